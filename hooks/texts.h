// hooks/texts.h — the module's translation catalogs (ui-fragments/i18n/*.json) and the
// language-aware formatting of dates, sizes and file kinds that every page uses.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host-api/services.h"
#include "host-api/status.h"

namespace cd::hooks {

// Prefix of every key the module registers, so it never clashes with the host's.
inline constexpr std::string_view kKeyPrefix = "client-documents.";

// Immutable after Load; thread-safe to read.
class Texts {
 public:
  // Parses "i18n/<lang>.json" entries of `fragments` (flat {"key": "text"} objects).
  // kInvalidArgument for a file that is not such an object, or when a language of
  // crm::kLanguages is missing.
  static crm::Result<Texts> Load(const std::map<std::string, std::string, std::less<>>& fragments);

  // The text of `key` ("client-documents.menu.my_documents", or without the prefix:
  // "menu.my_documents") in `language`; falls back to English, then the key.
  const std::string& Get(std::string_view language, std::string_view key) const;
  // Get, then each "{name}" replaced by its value (values are plain text: the caller
  // escapes the result, mustache does it in templates).
  std::string Format(std::string_view language, std::string_view key,
                     std::initializer_list<std::pair<std::string_view, std::string>> values) const;

  // (key, text) pairs of one language, for Registrar::AddTranslations.
  std::vector<std::pair<std::string, std::string>> Entries(std::string_view language) const;
  // Keys present in one language but not in another: "nl: client-documents.x".
  std::vector<std::string> Missing() const;

 private:
  // language -> full key -> text
  std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>> catalogs_;
};

// "2026-11-22" (en), "22/11/2026" (fr and nl, issue 11): the date in the host's time zone
// (host API 1.5, issue 15.14).
std::string FormatDate(crm::HostServices& host, std::string_view language, int64_t unix_seconds);
// A "YYYY-MM-DD" date in the reader's format (as FormatDate); anything else as it is.
std::string FormatIsoDate(std::string_view language, std::string_view iso_date);
// FormatDate plus the time of day in the host's time zone and which zone that is:
// "31/12/2026 15:05 (Europe/Brussels)", "31/12/2026 14:05 UTC" (issue 15.14).
std::string FormatDateTime(crm::HostServices& host, std::string_view language,
                           int64_t unix_seconds);
// "20 MB", "512 KB", "900 bytes" (decimal comma in fr and nl: "1,5 MB").
std::string FormatSize(std::string_view language, int64_t bytes);
// "PDF", "JPEG", "PNG", "WebP", "HEIC" for MIME types the product knows, else the MIME.
std::string KindName(std::string_view mime);
// KindName of each, joined with ", ".
std::string KindList(const std::vector<std::string>& mimes);

}  // namespace cd::hooks
