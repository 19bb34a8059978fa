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

namespace {

// The reader's state over one text: the records so far, the record and field being read.
class Reader {
 public:
  Reader(std::string_view text, char separator) : text_(text), separator_(separator) {
    current_.line = 1;
  }

  crm::Result<std::vector<Record>> Run() {
    for (size_t i = 0; i < text_.size(); ++i) {
      if (in_quotes_) {
        i = Quoted(i);
      } else {
        CRM_ASSIGN_OR_RETURN(i, Unquoted(i));
      }
    }
    if (in_quotes_) {
      return crm::InvalidArgument("csv line " + std::to_string(quote_line_) +
                                  ": a quote is never closed");
    }
    EndRecord();
    return std::move(records_);
  }

 private:
  // Inside quotes at text_[i]: a doubled quote is one quote, a single one closes the field.
  // Returns the index of the last character used.
  size_t Quoted(size_t i) {
    char ch = text_[i];
    if (ch != '"') {
      if (ch == '\n') ++line_;
      field_ += ch;
      return i;
    }
    if (i + 1 < text_.size() && text_[i + 1] == '"') {
      field_ += '"';
      return i + 1;
    }
    in_quotes_ = false;
    after_quote_ = true;
    return i;
  }

  // Outside quotes at text_[i]: a separator, a line end, an opening quote or a character.
  crm::Result<size_t> Unquoted(size_t i) {
    char ch = text_[i];
    if (ch == separator_) {
      field_started_ = true;
      EndField();
      return i;
    }
    if (ch == '\r' || ch == '\n') {
      if (ch == '\r' && i + 1 < text_.size() && text_[i + 1] == '\n') ++i;
      EndRecord();
      ++line_;
      current_.line = line_;
      return i;
    }
    if (after_quote_) return Error("text after a closing quote");
    if (ch == '"') {
      if (!field_.empty()) return Error("a quote inside an unquoted field");
      in_quotes_ = true;
      field_started_ = true;
      quote_line_ = line_;
      return i;
    }
    field_ += ch;
    field_started_ = true;
    return i;
  }

  crm::Status Error(std::string_view what) const {
    return crm::InvalidArgument("csv line " + std::to_string(line_) + ": " + std::string(what));
  }

  void EndField() {
    current_.fields.push_back(std::move(field_));
    field_.clear();
    after_quote_ = false;
  }

  void EndRecord() {
    if (field_started_ || !current_.fields.empty() || !field_.empty()) {
      EndField();
      records_.push_back(std::move(current_));
    }
    current_ = Record();
    field_.clear();
    field_started_ = false;
    after_quote_ = false;
  }

  std::string_view text_;
  char separator_;
  std::vector<Record> records_;
  Record current_;
  std::string field_;
  int64_t line_ = 1;
  bool in_quotes_ = false;
  bool after_quote_ = false;    // just closed a quoted field: only a separator or EOL may follow
  bool field_started_ = false;  // the record has content (so a blank line is not a record)
  int64_t quote_line_ = 0;
};

}  // namespace

crm::Result<std::vector<Record>> Parse(std::string_view text, char separator) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());
  if (separator == 0) separator = DetectSeparator(text);
  if (text.find('\0') != std::string_view::npos) {
    return crm::InvalidArgument("csv: the text contains NUL bytes (not a text file?)");
  }
  return Reader(text, separator).Run();
}

}  // namespace host::csv
