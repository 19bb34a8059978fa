// text/file_name.h — the one sanitiser of the display names of uploaded files, shared by the
// module (cd::SanitizeFileName) and the host (attachments of custom actions, issue 14).
#pragma once

#include <string>
#include <string_view>

namespace crm::text {

// Last path component only; invalid UTF-8 replaced by U+FFFD; C0/C1 controls, the
// bidirectional controls (U+061C, U+200E/F, U+202A-E, U+2066-9) and every other
// default-ignorable (invisible) code point but the variation selectors (U+00AD, U+180B-F,
// U+200B-D, U+2060-6F, U+FEFF, tags U+E0000-E0FFF, ...) removed, so "invoice\u202Efdp.exe" cannot
// pose as "invoiceexe.pdf"; the quotes and <>:*?| removed; dots and spaces trimmed at both
// ends; at most 200 bytes (whole characters); "file" when nothing is left.
std::string SanitizeFileName(std::string_view name);

}  // namespace crm::text
