// text/fold.cc — FoldForSearch (fold.h): a table for U+00C0..U+017F, ASCII by hand.
#include "text/fold.h"

namespace crm::text {
namespace {

// U+00C0 + i -> its folded form; "" keeps the character (not a letter: U+00D7, U+00F7).
constexpr const char* kLatin[0x180 - 0xC0] = {
    "a", "a", "a",  "a",  "a", "a", "ae", "c",  "e",  "e", "e", "e", "i",  "i",  "i", "i", "d", "n",
    "o", "o", "o",  "o",  "o", "",  "o",  "u",  "u",  "u", "u", "y", "th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c",  "e", "e", "e",  "e",  "i",  "i", "i", "i", "d",  "n",  "o", "o", "o", "o",
    "o", "",  "o",  "u",  "u", "u", "u",  "y",  "th", "y", "a", "a", "a",  "a",  "a", "a", "c", "c",
    "c", "c", "c",  "c",  "c", "c", "d",  "d",  "d",  "d", "e", "e", "e",  "e",  "e", "e", "e", "e",
    "e", "e", "g",  "g",  "g", "g", "g",  "g",  "g",  "g", "h", "h", "h",  "h",  "i", "i", "i", "i",
    "i", "i", "i",  "i",  "i", "i", "ij", "ij", "j",  "j", "k", "k", "k",  "l",  "l", "l", "l", "l",
    "l", "l", "l",  "l",  "l", "n", "n",  "n",  "n",  "n", "n", "n", "n",  "n",  "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r",  "r",  "r",  "r", "s", "s", "s",  "s",  "s", "s", "s", "s",
    "t", "t", "t",  "t",  "t", "t", "u",  "u",  "u",  "u", "u", "u", "u",  "u",  "u", "u", "u", "u",
    "w", "w", "y",  "y",  "y", "z", "z",  "z",  "z",  "z", "z", "s",
};

}  // namespace

std::string FoldForSearch(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      continue;
    }
    // Two-byte sequences 0xC3 0x80 .. 0xC5 0xBF are U+00C0 .. U+017F.
    if (c >= 0xC3 && c <= 0xC5 && i + 1 < s.size()) {
      unsigned char c2 = static_cast<unsigned char>(s[i + 1]);
      if ((c2 & 0xC0) == 0x80) {
        unsigned cp = ((c & 0x1Fu) << 6) | (c2 & 0x3Fu);
        if (cp >= 0xC0 && kLatin[cp - 0xC0][0] != '\0') {
          out += kLatin[cp - 0xC0];
          ++i;
          continue;
        }
      }
    }
    out += static_cast<char>(c);
  }
  return out;
}

}  // namespace crm::text
