// text/file_name.cc — display-name sanitising (UTF-8 decoded and re-encoded, invisible and
// bidirectional characters dropped). Moved here from plugin/file_names.cc (issue 14) so that
// the host's attachments follow the module's file-name rules through the same code.
#include "text/file_name.h"

#include <cstdint>

namespace crm::text {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr size_t kMaxNameBytes = 200;

// Decodes one UTF-8 character at s[*i] and advances *i; an invalid byte (stray
// continuation, overlong form, surrogate, past U+10FFFF, truncated) gives U+FFFD and
// advances by that one byte only.
char32_t DecodeOne(std::string_view s, size_t* i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(*i);
  if (b0 < 0x80) {
    ++*i;
    return b0;
  }
  size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  char32_t min = len == 4 ? 0x10000 : len == 3 ? 0x800 : 0x80;
  if (len == 0 || b0 > 0xF4 || *i + len > s.size()) {
    ++*i;
    return kReplacement;
  }
  char32_t cp = b0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return kReplacement;
    }
    cp = (cp << 6) | (byte(*i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return kReplacement;
  }
  *i += len;
  return cp;
}

void Encode(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Characters a display name never keeps: controls, direction overrides and characters
// that show nothing (they hide what a name really says), and the ones file systems and
// headers treat specially.
bool Dropped(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;  // C0, DEL, C1
  switch (cp) {
    case '"':
    case '<':
    case '>':
    case ':':
    case '*':
    case '?':
    case '|':
    case 0x00AD:
    case 0x034F:
    case 0x061C:
    case 0x3164:
    case 0xFEFF:
    case 0xFFA0:
      return true;
    default:
      break;
  }
  // Unicode's default-ignorable code points (DerivedCoreProperties.txt), which render as
  // nothing, the variation selectors U+FE00-FE0F excepted (emoji need them); U+2065 is
  // unassigned but reserved as ignorable (found by tests/fuzz/file_names_fuzz).
  return (cp >= 0x115F && cp <= 0x1160) || (cp >= 0x17B4 && cp <= 0x17B5) ||
         (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
         (cp >= 0xFFF0 && cp <= 0xFFF8) || (cp >= 0x1BCA0 && cp <= 0x1BCA3) ||
         (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

}  // namespace

std::string SanitizeFileName(std::string_view name) {
  // Keep only the last path component, whatever the client's separator (ASCII bytes never
  // occur inside a UTF-8 sequence, so this cut is safe before decoding).
  size_t cut = name.find_last_of("/\\");
  if (cut != std::string_view::npos) name.remove_prefix(cut + 1);
  std::string out;
  for (size_t i = 0; i < name.size();) {
    char32_t cp = DecodeOne(name, &i);
    if (!Dropped(cp)) Encode(cp, &out);
  }
  // At most kMaxNameBytes, whole characters only, keeping a short extension ("….pdf").
  if (out.size() > kMaxNameBytes) {
    size_t dot = out.find_last_of('.');
    std::string ext = dot != std::string::npos && out.size() - dot <= 16 ? out.substr(dot) : "";
    size_t n = kMaxNameBytes - ext.size();
    while (n > 0 && (static_cast<unsigned char>(out[n]) & 0xC0) == 0x80) --n;
    out = out.substr(0, n) + ext;
  }
  // Then trim dots and spaces at both ends (".." and hidden-file names), so that the cut
  // never leaves a trailing dot (found by tests/fuzz/file_names_fuzz).
  size_t b = out.find_first_not_of(" .");
  size_t e = out.find_last_not_of(" .");
  out = b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
  if (out.empty()) out = "file";
  return out;
}

}  // namespace crm::text
