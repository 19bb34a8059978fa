// plugin/model.cc — names and parsing of the module's enums, localized text, slugs.
// Kept free of I/O so every other file (and the hooks) can use it.
#include "plugin/model.h"

namespace cd {

std::string_view UploadModeName(UploadMode mode) {
  switch (mode) {
    case UploadMode::kOptional:
      return "optional";
    case UploadMode::kRequired:
      return "required";
    case UploadMode::kAdminOnly:
      return "admin_only";
  }
  return "optional";
}

std::optional<UploadMode> ParseUploadMode(std::string_view text) {
  if (text == "optional") return UploadMode::kOptional;
  if (text == "required") return UploadMode::kRequired;
  if (text == "admin_only") return UploadMode::kAdminOnly;
  return std::nullopt;
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kText:
      return "text";
    case FieldType::kDate:
      return "date";
    case FieldType::kNumber:
      return "number";
  }
  return "text";
}

std::optional<FieldType> ParseFieldType(std::string_view text) {
  if (text == "text") return FieldType::kText;
  if (text == "date") return FieldType::kDate;
  if (text == "number") return FieldType::kNumber;
  return std::nullopt;
}

namespace {
constexpr std::pair<DocumentStatus, std::string_view> kStatusNames[] = {
    {DocumentStatus::kMissing, "missing"},   {DocumentStatus::kUploaded, "uploaded"},
    {DocumentStatus::kPending, "pending"},   {DocumentStatus::kApproved, "approved"},
    {DocumentStatus::kRejected, "rejected"}, {DocumentStatus::kExpiring, "expiring"},
    {DocumentStatus::kExpired, "expired"}};
}  // namespace

std::string_view DocumentStatusName(DocumentStatus status) {
  for (const auto& [s, name] : kStatusNames)
    if (s == status) return name;
  return "missing";
}

std::optional<DocumentStatus> ParseDocumentStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames)
    if (n == name) return s;
  return std::nullopt;
}

const std::string& LocalizedText::Get(std::string_view language) const {
  if (language == "fr" && !fr.empty()) return fr;
  if (language == "nl" && !nl.empty()) return nl;
  if (!en.empty()) return en;
  if (!fr.empty()) return fr;
  return nl;
}

void LocalizedText::MergeMissing(const LocalizedText& older) {
  if (en.empty()) en = older.en;
  if (fr.empty()) fr = older.fr;
  if (nl.empty()) nl = older.nl;
}

void LocalizedText::FillDefault() {
  if (en.empty()) en = !fr.empty() ? fr : nl;
}

void LocalizedText::Set(std::string_view language, std::string text) {
  if (language == "en")
    en = std::move(text);
  else if (language == "fr")
    fr = std::move(text);
  else if (language == "nl")
    nl = std::move(text);
}

const std::vector<std::string>& DefaultAccept() {
  static const std::vector<std::string> kAccept = {"application/pdf", "image/jpeg", "image/png",
                                                   "image/webp", "image/heic"};
  return kAccept;
}

std::string Slugify(std::string_view label) {
  // Latin-1 supplement letters (UTF-8 0xC3 0x80..0xBF) fold to ASCII so that French and
  // Dutch labels ("Date d'émission") keep readable keys.
  static const char kFold[] = "AAAAAAACEEEEIIIIDNOOOOO-OUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
  std::string out;
  bool pending_sep = false;
  for (size_t i = 0; i < label.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(label[i]);
    char mapped = 0;
    if (ch < 0x80) {
      if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
        mapped = static_cast<char>(ch);
      else if (ch >= 'A' && ch <= 'Z')
        mapped = static_cast<char>(ch - 'A' + 'a');
    } else if (ch == 0xC3 && i + 1 < label.size()) {
      unsigned char next = static_cast<unsigned char>(label[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        char f = kFold[next - 0x80];
        if (f >= 'A' && f <= 'Z') f = static_cast<char>(f - 'A' + 'a');
        if ((f >= 'a' && f <= 'z')) mapped = f;
        ++i;
      }
    }
    if (mapped) {
      if (pending_sep && !out.empty()) out += '_';
      pending_sep = false;
      out += mapped;
    } else {
      pending_sep = true;
    }
    if (out.size() >= 48) break;
  }
  if (out.empty()) out = "field";
  return out;
}

}  // namespace cd
