// tests/fuzz/http_framing_fuzz.cc — libFuzzer target: the request-framing rule against request
// smuggling (issue 15.1). The input is split into header lines "Name: value"; a request the rule
// accepts has at most one way to find its body's end.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sample-host/http/http_text.h"
#include "text/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string, std::string>> headers;
  while (!in.empty() && headers.size() < 32) {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace_back(std::string(line.substr(0, colon)),
                         std::string(crm::text::Trim(line.substr(colon + 1))));
  }
  if (host::http_text::CheckRequestFraming(headers) != host::http_text::Framing::kOk) return 0;
  int te = 0, cl = 0;
  for (const auto& [name, value] : headers) {
    if (crm::text::EqualsIgnoreCaseAscii(name, "transfer-encoding")) {
      ++te;
      if (!crm::text::EqualsIgnoreCaseAscii(crm::text::Trim(value), "chunked")) __builtin_trap();
    }
    if (crm::text::EqualsIgnoreCaseAscii(name, "content-length")) {
      ++cl;
      for (char c : value)
        if (c < '0' || c > '9') __builtin_trap();
      if (value.empty()) __builtin_trap();
    }
  }
  if (te > 1 || cl > 1 || (te && cl)) __builtin_trap();
  return 0;
}
