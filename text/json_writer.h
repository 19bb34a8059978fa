// text/json_writer.h — JSON text appended straight to a string, for answers built on a hot path
// (the client list: issue 10), where a tree of Boost.JSON values cost a third of a request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crm::text {

// Appends `s` escaped for the inside of a JSON string (no quotes): '"', '\\' and the control
// characters, and also '<', '>' and '&' as \u00XX, so that a JSON body stays harmless if a
// browser sniffs it as HTML. Other bytes (UTF-8 included) are copied as they are.
void AppendJsonEscaped(std::string& out, std::string_view s);

// Appends one JSON value to `out`, the commas placed by the writer. The caller keeps the
// nesting right (each Begin has its End, a Key before each member's value); nothing is
// checked. Not thread-safe; `out` must outlive it.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  // The member's name, then its value (a scalar below, or Begin...).
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);  // shortest form that reads back; null when not finite
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

 private:
  JsonWriter& Open(char bracket);
  JsonWriter& Close(char bracket);
  void Separate();

  std::string& out_;
  bool need_comma_ = false;  // a value was just completed at this level
};

}  // namespace crm::text
