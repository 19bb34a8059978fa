// hooks/texts.cc — loads the module's i18n catalogs and formats dates, sizes and kinds.
// The catalogs are parsed once per entry; lookups are plain map reads.
#include "hooks/texts.h"

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>

#include "host-api/http.h"
#include "text/local_time.h"
#include "text/text.h"

namespace cd::hooks {

namespace {

std::string FullKey(std::string_view key) {
  if (key.substr(0, kKeyPrefix.size()) == kKeyPrefix) return std::string(key);
  return std::string(kKeyPrefix) + std::string(key);
}

}  // namespace

crm::Result<Texts> Texts::Load(const std::map<std::string, std::string, std::less<>>& fragments) {
  Texts texts;
  for (std::string_view language : crm::kLanguages) {
    std::string path = "i18n/" + std::string(language) + ".json";
    auto it = fragments.find(path);
    if (it == fragments.end()) return crm::InvalidArgument("missing translation file " + path);
    boost::system::error_code ec;
    boost::json::value root = boost::json::parse(it->second, ec);
    if (ec || !root.is_object()) {
      return crm::InvalidArgument(path + ": not a JSON object" + (ec ? ": " + ec.message() : ""));
    }
    auto& catalog = texts.catalogs_[std::string(language)];
    for (const auto& [key, value] : root.as_object()) {
      if (!value.is_string()) {
        return crm::InvalidArgument(path + ": " + std::string(key) + " is not a string");
      }
      catalog[FullKey(key)] = std::string(value.as_string());
    }
  }
  return texts;
}

const std::string& Texts::Get(std::string_view language, std::string_view key) const {
  std::string full = FullKey(key);
  for (std::string_view lang : {language, std::string_view("en")}) {
    auto cat = catalogs_.find(lang);
    if (cat == catalogs_.end()) continue;
    auto it = cat->second.find(full);
    if (it != cat->second.end()) return it->second;
  }
  // A missing key is a bug the translation test catches; show the key rather than
  // nothing. Thread-local so the returned reference stays valid without a lock.
  thread_local std::string fallback;
  fallback = full;
  return fallback;
}

std::string Texts::Format(
    std::string_view language, std::string_view key,
    std::initializer_list<std::pair<std::string_view, std::string>> values) const {
  return crm::text::FillPlaceholders(Get(language, key), values);
}

std::vector<std::pair<std::string, std::string>> Texts::Entries(std::string_view language) const {
  std::vector<std::pair<std::string, std::string>> out;
  auto cat = catalogs_.find(language);
  if (cat == catalogs_.end()) return out;
  for (const auto& [key, text] : cat->second) out.emplace_back(key, text);
  return out;
}

std::vector<std::string> Texts::Missing() const {
  std::vector<std::string> missing;
  for (const auto& [lang, catalog] : catalogs_) {
    for (const auto& [other_lang, other] : catalogs_) {
      if (other_lang == lang) continue;
      for (const auto& [key, text] : other) {
        if (!catalog.count(key)) missing.push_back(lang + ": " + key);
      }
    }
  }
  return missing;
}

std::string FormatDate(crm::HostServices& host, std::string_view language, int64_t unix_seconds) {
  return crm::text::LocalDate(language, unix_seconds, host.UtcOffsetSeconds(unix_seconds));
}

std::string FormatIsoDate(std::string_view language, std::string_view iso) {
  return crm::text::LocalIsoDate(language, iso);
}

std::string FormatDateTime(crm::HostServices& host, std::string_view language,
                           int64_t unix_seconds) {
  return crm::text::LocalDateTime(language, unix_seconds, host.UtcOffsetSeconds(unix_seconds),
                                  host.TimeZoneName());
}

std::string FormatSize(std::string_view language, int64_t bytes) {
  const char* unit = "bytes";
  double value = static_cast<double>(bytes);
  // Binary multiples, as file managers and the limits (20 MiB) count.
  if (bytes >= 1024 * 1024) {
    unit = "MB";
    value /= 1024.0 * 1024.0;
  } else if (bytes >= 1024) {
    unit = "KB";
    value /= 1024.0;
  } else if (language == "fr") {
    unit = "octets";
  } else if (language == "nl") {
    unit = "bytes";
  }
  if (language == "fr" && unit == std::string_view("MB")) unit = "Mo";
  if (language == "fr" && unit == std::string_view("KB")) unit = "Ko";
  char buf[48];
  if (value >= 100 || value == static_cast<double>(static_cast<int64_t>(value))) {
    std::snprintf(buf, sizeof buf, "%.0f %s", value, unit);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f %s", value, unit);
  }
  std::string text = buf;
  if (language != "en") {
    for (char& c : text)
      if (c == '.') c = ',';
  }
  return text;
}

std::string KindName(std::string_view mime) {
  static const std::pair<std::string_view, std::string_view> kKinds[] = {
      {"application/pdf", "PDF"}, {"image/jpeg", "JPEG"}, {"image/png", "PNG"},
      {"image/webp", "WebP"},     {"image/heic", "HEIC"}, {"image/heif", "HEIF"},
      {"image/gif", "GIF"},       {"image/tiff", "TIFF"}, {"text/plain", "TXT"},
  };
  for (const auto& [m, name] : kKinds) {
    if (m == mime) return std::string(name);
  }
  return std::string(mime);
}

std::string KindList(const std::vector<std::string>& mimes) {
  std::string out;
  for (const auto& m : mimes) {
    if (!out.empty()) out += ", ";
    out += KindName(m);
  }
  return out;
}

}  // namespace cd::hooks
