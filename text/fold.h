// text/fold.h — the search's folding of text: lower case and no accents ("Élise" -> "elise"),
// the same as PostgreSQL's crm_fold() (lower(unaccent(...)), host schema 6) for Latin letters,
// so that both engines find the same clients. SQLite gets it as the SQL function crm_fold().
#pragma once

#include <string>
#include <string_view>

namespace crm::text {

// ASCII letters lower-cased; the Latin-1 Supplement and Latin Extended-A letters (U+00C0 to
// U+017F) to their base letters, lower-cased ("Æ" -> "ae", "ß" -> "ss", "Ł" -> "l"); every
// other byte sequence is kept as it is (invalid UTF-8 included).
std::string FoldForSearch(std::string_view utf8);

}  // namespace crm::text
