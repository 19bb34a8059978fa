// plugin/file_names.h — the display names of uploaded files: what a client's file name may
// become before it is stored, shown, and sent back as a download name.
#pragma once

#include <string>
#include <string_view>

namespace cd {

// The one sanitiser of every file name that enters the module (FileStore::Begin calls it):
// last path component only; invalid UTF-8 replaced by U+FFFD; C0/C1 controls, the
// bidirectional controls (U+061C, U+200E/F, U+202A-E, U+2066-9) and every other
// default-ignorable (invisible) code point but the variation selectors (U+00AD, U+180B-F,
// U+200B-D, U+2060-6F, U+FEFF, tags U+E0000-E0FFF, ...) removed, so "invoice\u202Efdp.exe" cannot
// pose as "invoiceexe.pdf"; the quotes and <>:*?| removed; dots and spaces trimmed at both
// ends; at most 200 bytes (whole characters); "file" when nothing is left.
std::string SanitizeFileName(std::string_view name);

// `name` with the extension of the sniffed `mime` ("report.html" + PDF -> "report.pdf"):
// kept when it already is one of the kind's ("photo.jpeg", "scan.PDF"), appended when the
// name has none, replacing the last one otherwise. A kind without a known extension keeps
// the name as it is (such files are only ever served as attachments).
std::string NameForType(std::string_view name, std::string_view mime);

}  // namespace cd
