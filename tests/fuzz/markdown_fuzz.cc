// tests/fuzz/markdown_fuzz.cc — libFuzzer target: the client-area intro's Markdown rendering
// (CD4). Whatever the admin types, the HTML holds only the tags cmark itself emits (raw HTML
// is dropped), and no link or image points at a javascript:, vbscript: or data: URL.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "plugin/settings_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::set<std::string> kCmarkTags = {
      "p",          "em", "strong", "a",  "img", "ul", "ol", "li", "code", "pre",
      "blockquote", "h1", "h2",     "h3", "h4",  "h5", "h6", "hr", "br",   "!--"};
  std::string_view markdown(reinterpret_cast<const char*>(data), size);
  std::string html = cd::RenderMarkdownSafe(markdown);
  for (size_t at = html.find('<'); at != std::string::npos; at = html.find('<', at + 1)) {
    size_t start = at + 1 + (at + 1 < html.size() && html[at + 1] == '/');
    size_t end = start;
    while (end < html.size() && html[end] != ' ' && html[end] != '>' && html[end] != '/' &&
           html[end] != '\n')
      ++end;
    std::string tag = html.substr(start, end - start);
    if (tag.rfind("!--", 0) == 0) tag = "!--";
    if (!kCmarkTags.count(tag)) __builtin_trap();
  }
  std::string lower = html;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (const char* bad : {"href=\"javascript:", "src=\"javascript:", "href=\"vbscript:",
                          "href=\"data:", " onerror=\"", " onload=\""})
    if (lower.find(bad) != std::string::npos) __builtin_trap();
  return 0;
}
