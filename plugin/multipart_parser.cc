// plugin/multipart_parser.cc — the multipart/form-data push parser. The stream is treated as
// if it began with CRLF so that every delimiter, the first included, is "\r\n--boundary".
#include "plugin/multipart_parser.h"

#include <algorithm>
#include <cctype>

#include "text/text.h"

namespace cd {
namespace {

constexpr size_t kMaxBoundaryLength = 70;
constexpr size_t kMaxTransportPadding = 256;

bool IsBoundaryChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '\'':
    case '(':
    case ')':
    case '+':
    case '_':
    case ',':
    case '-':
    case '.':
    case '/':
    case ':':
    case '=':
    case '?':
    case ' ':
      return true;
    default:
      return false;
  }
}

// Splits `; key=value; key="quoted"` parameters. Keys lower case. Returns false on a
// malformed quoted string.
bool ParseParams(std::string_view s, std::vector<std::pair<std::string, std::string>>* out) {
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ';' || s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    size_t eq = s.find('=', i);
    size_t semi = s.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      // A parameter without a value: skip it.
      i = semi == std::string_view::npos ? s.size() : semi;
      continue;
    }
    std::string key = crm::text::ToLowerAscii(crm::text::Trim(s.substr(i, eq - i)));
    i = eq + 1;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i];
        if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '"' || s[i + 1] == '\\')) {
          value += s[i + 1];
          i += 2;
          continue;
        }
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        value += c;
        ++i;
      }
      if (!closed) return false;
    } else {
      size_t end = s.find(';', i);
      if (end == std::string_view::npos) end = s.size();
      value = std::string(crm::text::Trim(s.substr(i, end - i)));
      i = end;
    }
    out->emplace_back(std::move(key), std::move(value));
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 5987 ext-value: charset'lang'pct-encoded. Only UTF-8 is accepted.
std::optional<std::string> DecodeExtValue(std::string_view v) {
  size_t q1 = v.find('\'');
  if (q1 == std::string_view::npos) return std::nullopt;
  size_t q2 = v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  if (crm::text::ToLowerAscii(v.substr(0, q1)) != "utf-8") return std::nullopt;
  std::string out;
  for (size_t i = q2 + 1; i < v.size(); ++i) {
    if (v[i] == '%') {
      if (i + 2 >= v.size()) return std::nullopt;
      int hi = HexValue(v[i + 1]), lo = HexValue(v[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += v[i];
    }
  }
  return out;
}

}  // namespace

crm::Result<std::string> BoundaryFromContentType(std::string_view content_type) {
  size_t semi = content_type.find(';');
  std::string media = crm::text::ToLowerAscii(crm::text::Trim(content_type.substr(0, semi)));
  if (media != "multipart/form-data")
    return crm::InvalidArgument("Content-Type must be multipart/form-data");
  if (semi == std::string_view::npos) return crm::InvalidArgument("multipart boundary missing");
  std::vector<std::pair<std::string, std::string>> params;
  if (!ParseParams(content_type.substr(semi + 1), &params))
    return crm::InvalidArgument("malformed Content-Type parameters");
  for (const auto& [k, v] : params) {
    if (k != "boundary") continue;
    if (v.empty() || v.size() > kMaxBoundaryLength)
      return crm::InvalidArgument("multipart boundary must be 1 to 70 characters");
    if (v.back() == ' ') return crm::InvalidArgument("multipart boundary ends with a space");
    for (char c : v)
      if (!IsBoundaryChar(c))
        return crm::InvalidArgument("multipart boundary has invalid characters");
    return v;
  }
  return crm::InvalidArgument("multipart boundary missing");
}

crm::Result<ContentDisposition> ParseContentDisposition(std::string_view value) {
  ContentDisposition out;
  size_t semi = value.find(';');
  out.type = crm::text::ToLowerAscii(crm::text::Trim(value.substr(0, semi)));
  if (out.type.empty()) return crm::InvalidArgument("empty Content-Disposition");
  if (semi == std::string_view::npos) return out;
  std::vector<std::pair<std::string, std::string>> params;
  if (!ParseParams(value.substr(semi + 1), &params))
    return crm::InvalidArgument("malformed Content-Disposition");
  std::optional<std::string> ext_name;
  for (const auto& [k, v] : params) {
    if (k == "name")
      out.name = v;
    else if (k == "filename")
      out.filename = v;
    else if (k == "filename*")
      ext_name = DecodeExtValue(v);
  }
  if (ext_name) out.filename = std::move(ext_name);
  return out;
}

MultipartParser::MultipartParser(std::string boundary, Callbacks callbacks, MultipartLimits limits)
    : delimiter_("\r\n--" + boundary), callbacks_(std::move(callbacks)), limits_(limits) {
  carry_ = "\r\n";  // see the file comment: the body's first line is a delimiter too
}

crm::Status MultipartParser::Fail(crm::Status status) {
  state_ = State::kError;
  error_ = status;
  in_ = {};
  carry_.clear();
  carry_.shrink_to_fit();
  return status;
}

crm::Status MultipartParser::ParseHeaderBlock(std::string_view block, PartHeaders* out) const {
  bool have_disposition = false;
  size_t pos = 0;
  while (pos < block.size()) {
    size_t eol = block.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = block.size();
    std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t')
      return crm::InvalidArgument("folded part headers are not accepted");
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return crm::InvalidArgument("malformed part header");
    if (out->headers.size() >= limits_.max_headers)
      return crm::InvalidArgument("too many part headers");
    std::string name = crm::text::ToLowerAscii(crm::text::Trim(line.substr(0, colon)));
    std::string value(crm::text::Trim(line.substr(colon + 1)));
    for (char c : value)
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
        return crm::InvalidArgument("control character in a part header");
    if (name == "content-disposition") {
      if (have_disposition) return crm::InvalidArgument("duplicate Content-Disposition");
      CRM_ASSIGN_OR_RETURN(auto cd, ParseContentDisposition(value));
      out->disposition = std::move(cd);
      have_disposition = true;
    } else if (name == "content-type") {
      out->content_type = value;
    }
    out->headers.emplace_back(std::move(name), std::move(value));
  }
  if (!have_disposition) return crm::InvalidArgument("part without Content-Disposition");
  if (out->disposition.type != "form-data") return crm::InvalidArgument("part is not form-data");
  if (out->disposition.name.empty()) return crm::InvalidArgument("part without a name");
  return crm::Status::Ok();
}

crm::Status MultipartParser::Feed(std::string_view chunk) {
  if (state_ == State::kError) return error_;
  CRM_RETURN_IF_ERROR(Bridge(&chunk));
  if (chunk.empty() || state_ == State::kEpilogue) return crm::Status::Ok();
  // The common case: the chunk scanned where it lies; only its undecided tail is copied.
  in_ = chunk;
  CRM_RETURN_IF_ERROR(Scan());
  if (state_ != State::kEpilogue) carry_.assign(in_.data(), in_.size());
  in_ = {};
  return crm::Status::Ok();
}

crm::Status MultipartParser::Bridge(std::string_view* chunk) {
  while (!carry_.empty() && !chunk->empty() && state_ != State::kEpilogue) {
    // A delimiter's worth decides straddling data; a growing header block takes more at once
    // (doubling, so a block fed in small pieces is not rescanned quadratically).
    const size_t take = std::min(chunk->size(), std::max(delimiter_.size(), carry_.size()));
    carry_.append(chunk->data(), take);
    chunk->remove_prefix(take);
    in_ = carry_;
    crm::Status s = Scan();
    if (!s.ok()) return s;
    carry_.erase(0, carry_.size() - in_.size());
    in_ = {};
    if (carry_.size() <= take) {
      // What is left is the end of what was just taken: scan it in the chunk instead.
      *chunk = std::string_view(chunk->data() - carry_.size(), chunk->size() + carry_.size());
      carry_.clear();
    }
  }
  if (state_ == State::kEpilogue) {
    carry_.clear();
    carry_.shrink_to_fit();
  }
  return crm::Status::Ok();
}

crm::Status MultipartParser::Scan() {
  while (true) {
    CRM_ASSIGN_OR_RETURN(bool moved_on, Step());
    if (!moved_on) return crm::Status::Ok();
  }
}

crm::Result<bool> MultipartParser::Step() {
  switch (state_) {
    case State::kPreamble:
      return StepPreamble();
    case State::kAfterBoundary:
      return StepAfterBoundary();
    case State::kHeaders:
      return StepHeaders();
    case State::kBody:
      return StepBody();
    case State::kEpilogue:
      return false;
    case State::kError:
      return error_;
  }
  return false;
}

crm::Result<bool> MultipartParser::StepPreamble() {
  const size_t keep = delimiter_.size() - 1;  // a delimiter may straddle two chunks
  size_t pos = in_.find(delimiter_);
  if (pos == std::string_view::npos) {
    if (in_.size() > keep) {
      preamble_bytes_ += in_.size() - keep;
      in_.remove_prefix(in_.size() - keep);
    }
    if (preamble_bytes_ > limits_.max_preamble_bytes)
      return Fail(crm::InvalidArgument("multipart boundary not found"));
    return false;
  }
  preamble_bytes_ += pos;
  if (preamble_bytes_ > limits_.max_preamble_bytes)
    return Fail(crm::InvalidArgument("multipart boundary not found"));
  in_.remove_prefix(pos + delimiter_.size());
  state_ = State::kAfterBoundary;
  return true;
}

crm::Result<bool> MultipartParser::StepAfterBoundary() {
  // After a delimiter: "--" closes the body; otherwise optional padding then CRLF.
  if (in_.size() < 2) {
    if (in_ == "-" || in_ == "\r" || in_.empty()) return false;
  }
  if (in_.substr(0, 2) == "--") {
    state_ = State::kEpilogue;
    in_ = {};
    return false;
  }
  size_t i = 0;
  while (i < in_.size() && (in_[i] == ' ' || in_[i] == '\t')) ++i;
  if (i > kMaxTransportPadding) return Fail(crm::InvalidArgument("malformed boundary line"));
  if (i == in_.size()) return false;  // need more
  if (in_[i] != '\r') return Fail(crm::InvalidArgument("malformed boundary line"));
  if (i + 1 == in_.size()) return false;
  if (in_[i + 1] != '\n') return Fail(crm::InvalidArgument("malformed boundary line"));
  in_.remove_prefix(i + 2);
  state_ = State::kHeaders;
  return true;
}

crm::Result<bool> MultipartParser::StepHeaders() {
  size_t end;
  size_t consumed;
  if (in_.substr(0, 2) == "\r\n") {  // a part with no headers at all
    end = 0;
    consumed = 2;
  } else {
    end = in_.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      if (in_.size() > limits_.max_header_bytes)
        return Fail(crm::InvalidArgument("part headers too large"));
      return false;
    }
    consumed = end + 4;
  }
  if (end > limits_.max_header_bytes) return Fail(crm::InvalidArgument("part headers too large"));
  if (++parts_ > limits_.max_parts) return Fail(crm::InvalidArgument("too many parts"));
  PartHeaders headers;
  crm::Status s = ParseHeaderBlock(in_.substr(0, end), &headers);
  if (!s.ok()) return Fail(s);
  in_.remove_prefix(consumed);
  state_ = State::kBody;
  if (callbacks_.on_part_begin) {
    s = callbacks_.on_part_begin(headers);
    if (!s.ok()) return Fail(s);
  }
  return true;
}

crm::Result<bool> MultipartParser::StepBody() {
  const size_t keep = delimiter_.size() - 1;  // a delimiter may straddle two chunks
  size_t pos = in_.find(delimiter_);
  if (pos == std::string_view::npos) {
    // Everything but a possible start of the delimiter is part data.
    if (in_.size() > keep) {
      size_t emit = in_.size() - keep;
      CRM_RETURN_IF_ERROR(EmitData(emit));
    }
    return false;
  }
  CRM_RETURN_IF_ERROR(EmitData(pos));
  in_.remove_prefix(delimiter_.size());
  if (callbacks_.on_part_end) {
    crm::Status s = callbacks_.on_part_end();
    if (!s.ok()) return Fail(s);
  }
  state_ = State::kAfterBoundary;
  return true;
}

crm::Status MultipartParser::EmitData(size_t size) {
  if (size > 0 && callbacks_.on_part_data) {
    crm::Status s = callbacks_.on_part_data(in_.substr(0, size));
    if (!s.ok()) return Fail(s);
  }
  in_.remove_prefix(size);
  return crm::Status::Ok();
}

crm::Status MultipartParser::Finish() {
  if (state_ == State::kError) return error_;
  if (state_ != State::kEpilogue)
    return Fail(crm::InvalidArgument("multipart body ends before its final boundary"));
  return crm::Status::Ok();
}

}  // namespace cd
