// sample-host/app/csv.cc — the RFC 4180 writer and reader of csv.h. The reader is a small state
// machine over the whole text so that quoted fields may span lines and errors name the line.
#include "sample-host/app/csv.h"

namespace host::csv {
namespace {

// True for a value a spreadsheet would evaluate. Phone numbers such as "+32 470 12 34 56"
// stay as they are: only +/- followed by something other than a plain number is guarded.
bool NeedsGuard(std::string_view v) {
  if (v.empty()) return false;
  char c = v.front();
  if (c == '=' || c == '@' || c == '\t' || c == '\r') return true;
  if (c == '+' || c == '-') {
    for (char ch : v.substr(1)) {
      bool plain = (ch >= '0' && ch <= '9') || ch == ' ' || ch == '.' || ch == '(' || ch == ')' ||
                   ch == '/' || ch == '-';
      if (!plain) return true;
    }
  }
  return false;
}

}  // namespace

std::string Field(std::string_view value, char separator) {
  std::string v;
  if (NeedsGuard(value)) v = "'";
  v += value;
  // A value starting with a byte order mark is quoted: unquoted at the start of a file, the
  // reader would take it for the file's BOM and drop it (found by tests/fuzz/csv_fuzz).
  bool quote = v.find_first_of(std::string{separator, '"', '\r', '\n'}) != std::string::npos ||
               (!v.empty() && (v.front() == ' ' || v.back() == ' ')) ||
               v.substr(0, kUtf8Bom.size()) == kUtf8Bom;
  if (!quote) return v;
  std::string out = "\"";
  for (char ch : v) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

std::string Row(const std::vector<std::string>& fields, char separator) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += separator;
    out += Field(fields[i], separator);
  }
  out += "\r\n";
  return out;
}

std::string Unguard(std::string_view value) {
  if (value.size() >= 2 && value.front() == '\'' && NeedsGuard(value.substr(1))) {
    return std::string(value.substr(1));
  }
  return std::string(value);
}

char DetectSeparator(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  size_t semicolons = 0, commas = 0;
  bool quoted = false;
  for (char ch : text) {
    if (ch == '"') quoted = !quoted;
    if (quoted) continue;
    if (ch == '\n') break;
    if (ch == ';') ++semicolons;
    if (ch == ',') ++commas;
  }
  return semicolons > commas ? ';' : ',';
}

crm::Result<std::vector<Record>> Parse(std::string_view text, char separator) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  if (separator == 0) separator = DetectSeparator(text);
  if (text.find('\0') != std::string_view::npos) {
    return crm::InvalidArgument("csv: the text contains NUL bytes (not a text file?)");
  }
  std::vector<Record> records;
  Record current;
  std::string field;
  int64_t line = 1;
  current.line = 1;
  bool in_quotes = false;
  bool after_quote = false;   // just closed a quoted field: only a separator or EOL may follow
  bool field_started = false; // the record has content (so a blank line is not a record)
  int64_t quote_line = 0;

  auto end_field = [&] {
    current.fields.push_back(std::move(field));
    field.clear();
    after_quote = false;
  };
  auto end_record = [&] {
    if (field_started || !current.fields.empty() || !field.empty()) {
      end_field();
      records.push_back(std::move(current));
    }
    current = Record();
    field.clear();
    field_started = false;
    after_quote = false;
  };

  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (in_quotes) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (ch == '\n') ++line;
        field += ch;
      }
      continue;
    }
    if (ch == separator) {
      field_started = true;
      end_field();
      continue;
    }
    if (ch == '\r' || ch == '\n') {
      if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
      current.line = line;
      continue;
    }
    if (after_quote) {
      return crm::InvalidArgument("csv line " + std::to_string(line) +
                                  ": text after a closing quote");
    }
    if (ch == '"') {
      if (!field.empty()) {
        return crm::InvalidArgument("csv line " + std::to_string(line) +
                                    ": a quote inside an unquoted field");
      }
      in_quotes = true;
      field_started = true;
      quote_line = line;
      continue;
    }
    field += ch;
    field_started = true;
  }
  if (in_quotes) {
    return crm::InvalidArgument("csv line " + std::to_string(quote_line) + ": a quote is never closed");
  }
  end_record();
  return records;
}

}  // namespace host::csv
