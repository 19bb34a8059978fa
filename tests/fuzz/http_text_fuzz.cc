// tests/fuzz/http_text_fuzz.cc — libFuzzer target: the host's HTTP text parsers (request path,
// query/form decoding, cookies, Range) and the shared text helpers on hostile bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sample-host/http/http_text.h"
#include "text/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view s(reinterpret_cast<const char*>(data), size);
  (void)host::http_text::DecodeRequestPath(s);
  (void)host::http_text::ParseUrlEncoded(s);
  (void)host::http_text::FindCookie(s, "sid");
  host::http_text::ByteRange range;
  auto kind = host::http_text::ParseRange(s, 1000, &range);
  (void)kind;
  (void)host::http_text::IsLocalRedirect(s);
  // Encoding then strict decoding gives the bytes back.
  auto back = crm::text::PercentDecode(crm::text::PercentEncode(s), false);
  if (!back || *back != s) __builtin_trap();
  std::string escaped = crm::text::EscapeHtml(s);
  if (escaped.find('<') != std::string::npos || escaped.find('"') != std::string::npos)
    __builtin_trap();
  (void)crm::text::BestAcceptLanguage(s);
  if (auto id = crm::text::ParseId(s); id && *id <= 0) __builtin_trap();
  return 0;
}
