// plugin/multipart_parser.h — a push parser for multipart/form-data (RFC 7578 / 2046): fed
// chunks of any size, it scans them in place and reports part headers, data and ends, with
// memory bounded by limits.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/status.h"

namespace cd {

// The boundary of a `multipart/form-data; boundary=...` Content-Type (quoted or not).
// kInvalidArgument when the type is not multipart/form-data or the boundary is empty,
// longer than 70 characters or holds characters outside RFC 2046's bchars.
crm::Result<std::string> BoundaryFromContentType(std::string_view content_type);

// A parsed Content-Disposition: `form-data; name="file"; filename="a.pdf"`.
// filename* (RFC 5987, UTF-8'') wins over filename when both are given.
struct ContentDisposition {
  std::string type;  // "form-data", lower case
  std::string name;
  std::optional<std::string> filename;
};
crm::Result<ContentDisposition> ParseContentDisposition(std::string_view value);

struct PartHeaders {
  std::vector<std::pair<std::string, std::string>> headers;  // names lower case
  ContentDisposition disposition;  // from the Content-Disposition header (required)
  std::string content_type;        // as sent (not trusted), "" when absent
};

struct MultipartLimits {
  size_t max_header_bytes = 8 * 1024;  // of one part's header block
  size_t max_headers = 16;             // per part
  size_t max_parts = 64;
  size_t max_preamble_bytes = 64 * 1024;
};

// Not thread-safe. Callbacks return a Status; a non-OK one stops the parser and is
// returned by Feed/Finish (e.g. kTooLarge from the upload pipeline).
// Chunks are scanned where they lie: part data is reported as views into the chunk being
// fed (valid during the callback only), except the few bytes that straddled the previous
// chunk's end. Between calls the parser keeps only the bytes it could not decide yet: at most
// the delimiter's length - 1 of part data or preamble, or one part's header block.
class MultipartParser {
 public:
  struct Callbacks {
    std::function<crm::Status(const PartHeaders& headers)> on_part_begin;
    // `data` points into the fed chunk, or into the parser's carry for straddling bytes.
    std::function<crm::Status(std::string_view data)> on_part_data;
    std::function<crm::Status()> on_part_end;
  };

  MultipartParser(std::string boundary, Callbacks callbacks, MultipartLimits limits = {});

  // Consumes the next chunk (any size, including empty). kInvalidArgument on malformed
  // input or a passed limit; after an error every call returns the same error.
  crm::Status Feed(std::string_view chunk);
  // At the end of the body: kInvalidArgument unless the closing boundary was seen.
  crm::Status Finish();

  bool done() const { return state_ == State::kEpilogue; }
  size_t parts() const { return parts_; }

 private:
  enum class State { kPreamble, kAfterBoundary, kHeaders, kBody, kEpilogue, kError };

  // Runs the steps on in_ until one needs more bytes; in_ keeps what is undecided.
  crm::Status Scan();
  // Feeds the carry a few bytes of `*chunk` at a time until what is undecided lies wholly
  // in the chunk, which is then given back to `*chunk` (and the carry emptied).
  crm::Status Bridge(std::string_view* chunk);
  // One step of Feed in the current state: consumes what it can of in_ and returns
  // true when it moved to another state (step again), false when it needs more bytes.
  // Errors have gone through Fail.
  crm::Result<bool> Step();
  crm::Result<bool> StepPreamble();
  crm::Result<bool> StepAfterBoundary();
  crm::Result<bool> StepHeaders();
  crm::Result<bool> StepBody();
  // Passes the first `size` bytes of in_ to on_part_data and drops them.
  crm::Status EmitData(size_t size);
  crm::Status Fail(crm::Status status);
  crm::Status ParseHeaderBlock(std::string_view block, PartHeaders* out) const;

  std::string delimiter_;  // "\r\n--" + boundary
  Callbacks callbacks_;
  MultipartLimits limits_;
  State state_ = State::kPreamble;
  std::string_view in_;  // the bytes being scanned: the fed chunk, or carry_ while bridging
  std::string carry_;    // undecided bytes kept across chunks; bounded by delimiter or limits
  size_t parts_ = 0;
  size_t preamble_bytes_ = 0;
  crm::Status error_;
};

}  // namespace cd
