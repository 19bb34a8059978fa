// plugin/model.h — the module's value types: document types (CD1), settings (CD4), a client's
// documents and files (CD5, SPEC §5), and the small enums they use. No I/O here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cd {

// Who may upload a document of a type (CD1).
enum class UploadMode { kOptional, kRequired, kAdminOnly };
std::string_view UploadModeName(UploadMode mode);  // "optional" | "required" | "admin_only"
std::optional<UploadMode> ParseUploadMode(std::string_view text);

enum class FieldType { kText, kDate, kNumber };
std::string_view FieldTypeName(FieldType type);  // "text" | "date" | "number"
std::optional<FieldType> ParseFieldType(std::string_view text);

// A text in the three languages of the product: type names and help, extra-field labels,
// the client-area intro. English is the default language (the one required text, and what
// single-language data written before translations existed became). Missing translations
// are empty and read as English (see Get).
struct LocalizedText {
  std::string en;
  std::string fr;
  std::string nl;
  // The text in `language` ("en", "fr", "nl"), falling back to English, then to the
  // first other language that has a text (a text only ever written in French still shows).
  const std::string& Get(std::string_view language) const;
  // Sets the text of one language; ignores unknown languages.
  void Set(std::string_view language, std::string text);
  // True when no language has a text.
  bool empty() const { return en.empty() && fr.empty() && nl.empty(); }
  // Fills each empty language from `older` (a partial update merged per language).
  void MergeMissing(const LocalizedText& older);
  // English from French, then Dutch, when English is empty (a text given in one language).
  void FillDefault();
};

// One extra data field of a document type ("Date of issue").
struct FieldDef {
  std::string key;      // slug, unique within the type: "date_of_issue"
  LocalizedText label;  // as the admin wrote it, per language; en required
  FieldType type = FieldType::kText;
  bool required = false;
};

inline constexpr int64_t kDefaultMaxSize = 20LL * 1024 * 1024;  // 20 MiB
inline constexpr int64_t kMaxMaxSize =
    4LL * 1024 * 1024 * 1024;  // hard upper bound: 4 GiB (large scans, the 1 GiB benchmark)
inline constexpr int kDefaultMaxFiles = 1;
inline constexpr int kDefaultExpiryWarnDays = 30;
inline constexpr int kMaxExpiryWarnDays = 3650;
inline constexpr int kMaxRetentionDays = 36500;
inline constexpr int kMaxMaxFiles = 10;
// PDF, JPEG, PNG, WebP, HEIC (CD1 default allow-list).
const std::vector<std::string>& DefaultAccept();

struct DocumentType {
  int64_t id = 0;
  LocalizedText name;
  LocalizedText help;
  UploadMode upload_mode = UploadMode::kOptional;
  std::vector<FieldDef> fields;
  std::vector<std::string> accept;  // MIME types, lower case
  int64_t max_size = kDefaultMaxSize;
  int max_files = kDefaultMaxFiles;
  bool active = true;
  int position = 0;  // list order, ascending
  // Image originals are stored byte for byte; by default their location metadata (EXIF GPS,
  // XMP) is removed before they are stored (SPEC X3).
  bool keep_metadata = false;
  // Review and expiry (PT5, X1): uploads wait for staff; `expiry_field` is the key of one of
  // the type's date fields ("" for none), the document is expiring `expiry_warn_days` before
  // that date; archived versions older than `retention_days` are purged (PT7; unset: kept).
  bool review = false;
  std::string expiry_field;
  int expiry_warn_days = kDefaultExpiryWarnDays;
  std::optional<int> retention_days;
};

// A create or a partial update of a type: unset members are left as they are (update)
// or take their defaults (create). Built from JSON (api_json.h) or from a form (hooks/).
struct TypeDraft {
  std::optional<LocalizedText> name;  // merged per language on update
  // Field labels are merged per language too: a draft field's empty language takes the
  // stored text of the field with the same key (an API client sending "label" in French
  // keeps the English and Dutch labels), unless `complete_translations`.
  std::optional<LocalizedText> help;
  std::optional<UploadMode> upload_mode;
  std::optional<std::vector<FieldDef>> fields;
  std::optional<std::vector<std::string>> accept;
  std::optional<int64_t> max_size;
  std::optional<int> max_files;
  std::optional<bool> active;
  std::optional<int> position;
  std::optional<bool> keep_metadata;
  std::optional<bool> review;
  std::optional<std::string> expiry_field;  // "" clears it
  std::optional<int> expiry_warn_days;
  std::optional<std::optional<int>> retention_days;  // a null clears it
  // The draft gives every language of the name and the field labels (the admin form):
  // an empty translation clears the stored one instead of keeping it.
  bool complete_translations = false;
};

// Reminders (PT6, SPEC §6 Settings): the first mail once a missing or rejected required
// document has waited `first_after_days`, then every `every_days`, at most `max` times per need.
inline constexpr int kMaxReminderDays = 365;
inline constexpr int kMaxReminderCount = 20;
struct ReminderSettings {
  bool enabled = false;
  int first_after_days = 7;  // 0-365
  int every_days = 7;        // 1-365
  int max = 3;               // 1-20
};

// Plugin settings (CD4).
struct Settings {
  bool show_menu_entry = true;
  LocalizedText intro_markdown;  // Markdown per language; shown with LocalizedText::Get
  bool mandatory_gate = false;
  // Where clients' comments are announced (SPEC §6); "" for nowhere.
  std::string notify_email;
  // Branding (PT8): the firm's name and the URL of its logo (https://, http:// or a local path
  // starting with "/"), shown on the portal pages and in the portal's mails; "" for none.
  std::string firm_name;
  std::string firm_logo;
  // The firm's language ("en", "fr" or "nl"): the staff's mails to notify_email (decisions on
  // shared documents, clients' comments) are written in it.
  std::string firm_language = "en";
  ReminderSettings reminders;
};

// One stored file of a document (current or archived).
struct StoredFile {
  int64_t id = 0;
  std::string name;  // sanitised display name, never used as a path
  int64_t size = 0;
  std::string mime;           // sniffed with libmagic at upload
  std::string sha256;         // lower-case hex
  std::string storage_key;    // relative to the file store root: "files/12/<random>.bin"
  std::string thumbnail_key;  // empty when there is no thumbnail
};

// SPEC §6: a document's state, decided in one place (plugin/review/state.h).
enum class DocumentStatus {
  kMissing,
  kUploaded,
  kPending,
  kApproved,
  kRejected,
  kExpiring,
  kExpired
};
// "missing" | "uploaded" | "pending" | "approved" | "rejected" | "expiring" | "expired"
std::string_view DocumentStatusName(DocumentStatus status);
std::optional<DocumentStatus> ParseDocumentStatus(std::string_view name);

// Staff's last decision on a reviewed document (SPEC §6 "review"), when there is one.
struct ReviewInfo {
  std::string state;   // "pending" | "approved" | "rejected"
  std::string reason;  // the rejection's reason, for the client
  std::string by;      // ActorLabel of the reviewer ("" while pending)
  int64_t at = 0;      // Unix seconds (0 while pending)
};

// A client's document of one type (SPEC §5), as shown; status kMissing when none.
struct ClientDocument {
  int64_t client_id = 0;
  DocumentType type;
  DocumentStatus status = DocumentStatus::kMissing;
  int64_t uploaded_at = 0;                    // Unix seconds; 0 when missing
  std::string uploaded_by;                    // "admin:Marie Dupont", "client", "api:token 3"
  std::map<std::string, std::string> fields;  // key -> value
  std::vector<StoredFile> files;              // in upload order
  std::optional<ReviewInfo> review;           // a reviewed type's document only
  std::string expires_on;                     // "YYYY-MM-DD" of the expiry field, or ""
};

// A previous version kept in the archive when a document was replaced or deleted (CD5).
struct ArchivedVersion {
  int64_t id = 0;
  int64_t client_id = 0;
  int64_t type_id = 0;
  int64_t uploaded_at = 0;
  std::string uploaded_by;
  int64_t archived_at = 0;
  std::string archived_by;
  std::string reason;  // "replaced" | "deleted"
  std::map<std::string, std::string> fields;
  std::vector<StoredFile> files;
};

// Counts for the profile summary box (CD8) and the gate (CD3).
struct Completeness {
  int required_total = 0;     // active required types
  int required_uploaded = 0;  // of which the client has a document
  int uploaded_total = 0;     // documents of any active type
  bool complete() const { return required_uploaded >= required_total; }
};

// Lower-case ASCII slug of a label ("Date of issue" -> "date_of_issue"); "field" when empty.
std::string Slugify(std::string_view label);

}  // namespace cd
