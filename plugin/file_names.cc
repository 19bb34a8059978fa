// plugin/file_names.cc — display-name sanitising (UTF-8 decoded and re-encoded, invisible
// and bidirectional characters dropped) and extensions that follow the sniffed type.
#include "plugin/file_names.h"

#include "text/file_name.h"
#include "text/text.h"

namespace cd {
namespace {

// The extensions of the kinds the module knows, the first one preferred.
struct KindExtensions {
  std::string_view mime;
  std::string_view extensions[3];  // unused entries are empty
};

constexpr KindExtensions kKinds[] = {
    {"application/pdf", {"pdf"}},
    {"image/jpeg", {"jpg", "jpeg", "jpe"}},
    {"image/png", {"png"}},
    {"image/webp", {"webp"}},
    {"image/heic", {"heic"}},
    {"image/heif", {"heif", "heic"}},
    {"image/tiff", {"tif", "tiff"}},
    {"image/gif", {"gif"}},
    {"image/bmp", {"bmp"}},
    {"text/plain", {"txt"}},
    {"text/csv", {"csv"}},
    {"application/zip", {"zip"}},
    {"application/msword", {"doc"}},
    {"application/vnd.ms-excel", {"xls"}},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx"}},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}},
    {"application/vnd.oasis.opendocument.text", {"odt"}},
    {"application/vnd.oasis.opendocument.spreadsheet", {"ods"}},
};

}  // namespace

std::string SanitizeFileName(std::string_view name) {
  return crm::text::SanitizeFileName(name);  // the rules live in text/ (shared with the host)
}

std::string NameForType(std::string_view name, std::string_view mime) {
  const KindExtensions* kind = nullptr;
  for (const KindExtensions& k : kKinds) {
    if (k.mime == mime) kind = &k;
  }
  if (!kind) return std::string(name);
  size_t dot = name.find_last_of('.');
  std::string_view stem = dot == std::string_view::npos ? name : name.substr(0, dot);
  if (dot != std::string_view::npos) {
    std::string ext = crm::text::ToLowerAscii(name.substr(dot + 1));
    for (std::string_view known : kind->extensions) {
      if (!known.empty() && ext == known) return std::string(name);
    }
  }
  return std::string(stem) + "." + std::string(kind->extensions[0]);
}

}  // namespace cd
