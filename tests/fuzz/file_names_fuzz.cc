// tests/fuzz/file_names_fuzz.cc — libFuzzer target: the one sanitiser of uploaded file names and
// the sniffed-type extension. Whatever the client sends, the stored name is valid UTF-8 with no
// control, bidirectional or invisible character, no path separator, at most 200 bytes, and
// sanitising it again changes nothing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "plugin/file_names.h"

namespace {

// Decodes one UTF-8 character at s[i]; returns its length, 0 when invalid.
size_t Utf8At(std::string_view s, size_t i, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  *cp = len == 1 ? c : c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d >> 6) != 2) return 0;
    *cp = (*cp << 6) | (d & 0x3F);
  }
  return len;
}

// Controls, path separators and the default-ignorable code points (but U+FE00-FE0F).
bool Forbidden(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xAD || cp == 0x034F || cp == 0x061C ||
         (cp >= 0x115F && cp <= 0x1160) || (cp >= 0x17B4 && cp <= 0x17B5) ||
         (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 ||
         cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) ||
         (cp >= 0x1BCA0 && cp <= 0x1BCA3) || (cp >= 0x1D173 && cp <= 0x1D17A) ||
         (cp >= 0xE0000 && cp <= 0xE0FFF) || cp == '/' || cp == '\\';
}

void CheckClean(const std::string& name) {
  if (name.empty() || name.size() > 200) __builtin_trap();
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    size_t len = Utf8At(name, i, &cp);
    if (len == 0 || Forbidden(cp)) __builtin_trap();
    i += len;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  std::string name = cd::SanitizeFileName(raw);
  CheckClean(name);
  if (cd::SanitizeFileName(name) != name) __builtin_trap();  // idempotent
  for (const char* mime : {"application/pdf", "image/jpeg", "image/png", "text/plain"}) {
    std::string typed = cd::NameForType(name, mime);
    CheckClean(cd::SanitizeFileName(typed));
  }
  return 0;
}
