// plugin/uploader.cc — the stored actor labels of access.cc read back as names, "you" or "API".
#include "plugin/uploader.h"

namespace cd {

std::string UploaderText(std::string_view stored, bool reader_is_the_client,
                         std::string_view client_name, const UploaderWords& words) {
  constexpr std::string_view kStaff = "admin:";
  constexpr std::string_view kApi = "api:";
  if (stored.substr(0, kStaff.size()) == kStaff) {
    std::string_view name = stored.substr(kStaff.size());
    if (!name.empty()) return std::string(name);
  }
  if (stored == "client") {
    if (reader_is_the_client) return words.you;
    return client_name.empty() ? words.client : std::string(client_name);
  }
  if (stored.substr(0, kApi.size()) == kApi) return words.api;
  return std::string(stored);
}

}  // namespace cd
