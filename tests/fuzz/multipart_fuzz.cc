// tests/fuzz/multipart_fuzz.cc — libFuzzer target: the multipart/form-data parser fed the input
// in chunks whose sizes come from the input itself. Checks: no crash, no sanitizer report, and
// the parser's own invariants (data only inside a part; errors are sticky).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "plugin/multipart_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // The first byte picks the chunk size (1..256), as a slow or bursty network would.
  size_t chunk = static_cast<size_t>(data[0]) + 1;
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  bool in_part = false;
  cd::MultipartParser::Callbacks callbacks;
  callbacks.on_part_begin = [&](const cd::PartHeaders&) {
    if (in_part) __builtin_trap();
    in_part = true;
    return crm::Status::Ok();
  };
  callbacks.on_part_data = [&](std::string_view) {
    if (!in_part) __builtin_trap();
    return crm::Status::Ok();
  };
  callbacks.on_part_end = [&]() {
    if (!in_part) __builtin_trap();
    in_part = false;
    return crm::Status::Ok();
  };
  cd::MultipartLimits limits;
  limits.max_parts = 8;
  cd::MultipartParser parser("XyZ", callbacks, limits);
  crm::Status first;
  for (size_t at = 0; at < body.size(); at += chunk) {
    crm::Status s = parser.Feed(body.substr(at, chunk));
    if (!first.ok() && s.ToString() != first.ToString()) __builtin_trap();  // errors are sticky
    if (!s.ok() && first.ok()) first = s;
  }
  (void)parser.Finish();
  return 0;
}
