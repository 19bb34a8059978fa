// plugin/api_json.cc — the JSON shapes of SPEC §5 and the parsing of API bodies into drafts.
// Parsing is strict about JSON types so that a wrong body is a 400, never a silent default.
#include "plugin/api_json.h"

#include <ctime>

#include "plugin/settings_store.h"
#include "plugin/type_store.h"

namespace cd {
namespace json = boost::json;

namespace {

json::object LocalizedToJson(const LocalizedText& text) {
  return json::object{{"en", text.en}, {"fr", text.fr}, {"nl", text.nl}};
}

crm::Status WrongType(std::string_view member, std::string_view expected) {
  return crm::InvalidArgument(std::string(member) + ": must be " + std::string(expected));
}

// A localized text member: a string (for `language`) or an object per language. Sets the
// languages given into `out` (an empty string sets an empty text) and leaves the others.
crm::Status ParseLocalizedInto(const json::value& v, std::string_view member,
                               std::string_view language, LocalizedText& out) {
  if (v.is_string()) {
    out.Set(language, std::string(v.as_string()));
    return crm::Status::Ok();
  }
  if (!v.is_object()) return WrongType(member, "a string or an object {en, fr, nl}");
  for (const auto& [k, val] : v.as_object()) {
    if (k != "en" && k != "fr" && k != "nl")
      return crm::InvalidArgument(std::string(member) + ": unknown language " + std::string(k));
    if (!val.is_string()) return WrongType(std::string(member) + "." + std::string(k), "a string");
  }
  for (const auto& [k, val] : v.as_object()) out.Set(k, std::string(val.as_string()));
  return crm::Status::Ok();
}

crm::Result<LocalizedText> ParseLocalized(const json::value& v, std::string_view member,
                                          std::string_view language) {
  LocalizedText out;
  CRM_RETURN_IF_ERROR(ParseLocalizedInto(v, member, language, out));
  return out;
}

// Merges `more` into `into`, non-empty wins ("name" with "names", "label" with "labels").
void MergeGiven(LocalizedText& into, const LocalizedText& more) {
  if (!more.en.empty()) into.en = more.en;
  if (!more.fr.empty()) into.fr = more.fr;
  if (!more.nl.empty()) into.nl = more.nl;
}

// Labels written as plain strings are in the request's language.
FieldDef BareField(std::string key, std::string label, std::string_view language) {
  FieldDef def{std::move(key), {}, FieldType::kText, false};
  def.label.Set(language, std::move(label));
  if (def.label.empty()) def.label.en = def.key;  // not one of en/fr/nl: English
  return def;
}

crm::Result<std::vector<FieldDef>> ParseFields(const json::value& v, std::string_view language) {
  if (v.is_string()) {
    std::vector<FieldDef> fields;
    for (FieldDef& f : FieldsFromLabels(v.as_string()))
      fields.push_back(BareField(f.key, f.label.en, language));
    return fields;
  }
  if (!v.is_array()) return WrongType("fields", "an array or a comma-separated string");
  std::vector<FieldDef> fields;
  for (size_t i = 0; i < v.as_array().size(); ++i) {
    const json::value& f = v.as_array()[i];
    std::string where = "fields[" + std::to_string(i) + "]";
    if (f.is_string()) {  // a bare label
      fields.push_back(BareField(Slugify(f.as_string()), std::string(f.as_string()), language));
      continue;
    }
    if (!f.is_object()) return WrongType(where, "an object");
    const json::object& o = f.as_object();
    FieldDef def;
    // "label" as a string (the request's language) or {en, fr, nl}; "labels" {en, fr, nl},
    // as "name" and "names" of the type.
    for (const char* member : {"label", "labels"}) {
      if (const json::value* label = o.if_contains(member)) {
        CRM_ASSIGN_OR_RETURN(auto text, ParseLocalized(*label, where + "." + member, language));
        MergeGiven(def.label, text);
      }
    }
    if (const json::value* key = o.if_contains("key")) {
      if (!key->is_string()) return WrongType(where + ".key", "a string");
      def.key = std::string(key->as_string());
    } else {
      std::string label = def.label.Get(language);
      if (label.empty()) return crm::Unprocessable(where + ": a key or a label is required");
      def.key = Slugify(label);
    }
    if (const json::value* type = o.if_contains("type")) {
      if (!type->is_string()) return WrongType(where + ".type", "a string");
      auto parsed = ParseFieldType(type->as_string());
      if (!parsed) return crm::Unprocessable(where + ".type: must be text, date or number");
      def.type = *parsed;
    }
    if (const json::value* req = o.if_contains("required")) {
      if (!req->is_bool()) return WrongType(where + ".required", "a boolean");
      def.required = req->as_bool();
    }
    fields.push_back(std::move(def));
  }
  return fields;
}

crm::Result<int64_t> ParseInt(const json::value& v, std::string_view member) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX))
    return static_cast<int64_t>(v.as_uint64());
  return WrongType(member, "an integer");
}

// One file of a document or of an archived version, with the URL that downloads it.
json::object FileToJson(const StoredFile& f, std::string url) {
  return json::object{{"id", f.id},     {"name", f.name},     {"size", f.size},
                      {"mime", f.mime}, {"sha256", f.sha256}, {"url", std::move(url)}};
}

// The review and expiry members of a type (SPEC §6) into `d`; nullopt for another member.
std::optional<crm::Status> ParseReviewMember(std::string_view key, const json::value& v,
                                             TypeDraft& d) {
  if (key == "review") {
    if (!v.is_bool()) return WrongType(key, "a boolean");
    d.review = v.as_bool();
  } else if (key == "expiry_field") {
    if (!v.is_null() && !v.is_string()) return WrongType(key, "a field key or null");
    d.expiry_field = v.is_null() ? std::string() : std::string(v.as_string());
  } else if (key == "expiry_warn_days") {
    CRM_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, key));
    if (n < 0 || n > kMaxExpiryWarnDays)
      return crm::Unprocessable("expiry_warn_days: out of range");
    d.expiry_warn_days = static_cast<int>(n);
  } else if (key == "retention_days") {
    if (v.is_null()) {
      d.retention_days = std::optional<int>();
      return crm::Status::Ok();
    }
    CRM_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, key));
    if (n < 1 || n > kMaxRetentionDays) return crm::Unprocessable("retention_days: out of range");
    d.retention_days = static_cast<int>(n);
  } else {
    return std::nullopt;
  }
  return crm::Status::Ok();
}

}  // namespace

std::string IsoTimeUtc(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json::object TypeToJson(const DocumentType& type, std::string_view language) {
  json::array fields;
  for (const FieldDef& f : type.fields) {
    fields.push_back(json::object{{"key", f.key},
                                  {"label", f.label.Get(language)},
                                  {"labels", LocalizedToJson(f.label)},
                                  {"type", FieldTypeName(f.type)},
                                  {"required", f.required}});
  }
  json::array accept;
  for (const std::string& m : type.accept) accept.push_back(json::string(m));
  return json::object{{"id", type.id},
                      {"name", type.name.Get(language)},
                      {"help", type.help.Get(language)},
                      {"upload_mode", UploadModeName(type.upload_mode)},
                      {"fields", std::move(fields)},
                      {"accept", std::move(accept)},
                      {"max_size", type.max_size},
                      {"max_files", type.max_files},
                      {"active", type.active},
                      {"position", type.position},
                      {"keep_metadata", type.keep_metadata},
                      {"review", type.review},
                      {"expiry_field", type.expiry_field.empty() ? json::value(nullptr)
                                                                 : json::value(type.expiry_field)},
                      {"expiry_warn_days", type.expiry_warn_days},
                      {"retention_days", type.retention_days ? json::value(*type.retention_days)
                                                             : json::value(nullptr)},
                      {"names", LocalizedToJson(type.name)},
                      {"helps", LocalizedToJson(type.help)}};
}

crm::Result<TypeDraft> TypeDraftFromJson(const json::value& body, std::string_view language) {
  if (!body.is_object()) return crm::InvalidArgument("body: must be a JSON object");
  TypeDraft d;
  for (const auto& [key, v] : body.as_object()) {
    if (std::optional<crm::Status> s = ParseReviewMember(key, v, d)) {
      CRM_RETURN_IF_ERROR(*s);
    } else if (key == "name" || key == "names") {
      auto t = ParseLocalized(v, key, language);
      if (!t.ok()) return t.status();
      if (d.name) {  // "name" and "names" together: merge, non-empty wins
        MergeGiven(*d.name, *t);
      } else {
        d.name = std::move(*t);
      }
    } else if (key == "help" || key == "helps") {
      CRM_ASSIGN_OR_RETURN(auto t, ParseLocalized(v, key, language));
      d.help = std::move(t);
    } else if (key == "upload_mode") {
      if (!v.is_string()) return WrongType(key, "a string");
      auto m = ParseUploadMode(v.as_string());
      if (!m) return crm::Unprocessable("upload_mode: must be optional, required or admin_only");
      d.upload_mode = *m;
    } else if (key == "fields") {
      CRM_ASSIGN_OR_RETURN(auto f, ParseFields(v, language));
      d.fields = std::move(f);
    } else if (key == "accept") {
      std::vector<std::string> accept;
      if (v.is_string()) {  // "application/pdf, image/png"
        std::string_view s = v.as_string();
        size_t start = 0;
        while (start <= s.size()) {
          size_t comma = s.find(',', start);
          if (comma == std::string_view::npos) comma = s.size();
          std::string_view item = s.substr(start, comma - start);
          while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
          while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
          if (!item.empty()) accept.emplace_back(item);
          start = comma + 1;
        }
      } else if (v.is_array()) {
        for (const json::value& m : v.as_array()) {
          if (!m.is_string()) return WrongType("accept[]", "a string");
          accept.emplace_back(m.as_string());
        }
      } else {
        return WrongType(key, "an array of MIME types");
      }
      d.accept = std::move(accept);
    } else if (key == "max_size") {
      auto n = ParseInt(v, key);
      if (!n.ok()) return n.status();
      d.max_size = *n;
    } else if (key == "max_files") {
      auto n = ParseInt(v, key);
      if (!n.ok()) return n.status();
      if (*n < INT32_MIN || *n > INT32_MAX) return crm::Unprocessable("max_files: out of range");
      d.max_files = static_cast<int>(*n);
    } else if (key == "position") {
      CRM_ASSIGN_OR_RETURN(auto n, ParseInt(v, key));
      if (n < INT32_MIN || n > INT32_MAX) return crm::Unprocessable("position: out of range");
      d.position = static_cast<int>(n);
    } else if (key == "active") {
      if (!v.is_bool()) return WrongType(key, "a boolean");
      d.active = v.as_bool();
    } else if (key == "keep_metadata") {
      if (!v.is_bool()) return WrongType(key, "a boolean");
      d.keep_metadata = v.as_bool();
    } else if (key == "id") {
      // Ignored: ids are the server's.
    } else {
      return crm::InvalidArgument("unknown member: " + std::string(key));
    }
  }
  return d;
}

json::object DocumentToJson(const ClientDocument& doc, std::string_view language,
                            std::string_view url_base) {
  json::object fields;
  for (const auto& [k, v] : doc.fields) fields[k] = v;
  json::array files;
  for (const StoredFile& f : doc.files) {
    std::string url = std::string(url_base) + "/clients/" + std::to_string(doc.client_id) +
                      "/documents/" + std::to_string(doc.type.id) +
                      "/file?file_id=" + std::to_string(f.id);
    files.push_back(FileToJson(f, std::move(url)));
  }
  json::object o{{"type_id", doc.type.id},
                 {"type_name", doc.type.name.Get(language)},
                 {"upload_mode", UploadModeName(doc.type.upload_mode)},
                 {"status", DocumentStatusName(doc.status)},
                 {"uploaded_at", nullptr},
                 {"uploaded_by", nullptr},
                 {"fields", std::move(fields)},
                 {"files", std::move(files)},
                 {"review", nullptr},
                 {"expires_on", nullptr}};
  if (doc.status != DocumentStatus::kMissing) {
    o["uploaded_at"] = IsoTimeUtc(doc.uploaded_at);
    o["uploaded_by"] = doc.uploaded_by;
  }
  if (doc.review) {
    const ReviewInfo& r = *doc.review;
    json::value at = nullptr;
    if (r.at != 0) at = IsoTimeUtc(r.at);
    o["review"] =
        json::object{{"state", r.state},
                     {"reason", r.reason.empty() ? json::value(nullptr) : json::value(r.reason)},
                     {"by", r.by.empty() ? json::value(nullptr) : json::value(r.by)},
                     {"at", at}};
  }
  if (!doc.expires_on.empty()) o["expires_on"] = doc.expires_on;
  return o;
}

json::object ArchivedToJson(const ArchivedVersion& v, std::string_view url_base) {
  json::object fields;
  for (const auto& [k, val] : v.fields) fields[k] = val;
  json::array files;
  for (const StoredFile& f : v.files) {
    std::string url = std::string(url_base) + "/clients/" + std::to_string(v.client_id) +
                      "/archive/files/" + std::to_string(f.id);
    files.push_back(FileToJson(f, std::move(url)));
  }
  return json::object{{"id", v.id},
                      {"type_id", v.type_id},
                      {"uploaded_at", IsoTimeUtc(v.uploaded_at)},
                      {"uploaded_by", v.uploaded_by},
                      {"archived_at", IsoTimeUtc(v.archived_at)},
                      {"archived_by", v.archived_by},
                      {"reason", v.reason},
                      {"fields", std::move(fields)},
                      {"files", std::move(files)}};
}

json::object SettingsToJson(const Settings& s, std::string_view language) {
  return json::object{{"show_menu_entry", s.show_menu_entry},
                      {"intro_markdown", s.intro_markdown.Get(language)},
                      {"intro_markdowns", LocalizedToJson(s.intro_markdown)},
                      {"mandatory_gate", s.mandatory_gate},
                      {"notify_email", s.notify_email},
                      {"firm_name", s.firm_name},
                      {"firm_logo", s.firm_logo},
                      {"firm_language", s.firm_language},
                      {"reminders", json::object{{"enabled", s.reminders.enabled},
                                                 {"first_after_days", s.reminders.first_after_days},
                                                 {"every_days", s.reminders.every_days},
                                                 {"max", s.reminders.max}}}};
}

namespace {

// {"enabled", "first_after_days", "every_days", "max"}: the members given replace the current
// ones; the ranges are the store's (CheckReminderSettings).
crm::Status ParseRemindersInto(const json::value& v, ReminderSettings* r) {
  if (!v.is_object()) return WrongType("reminders", "an object");
  for (const auto& [key, member] : v.as_object()) {
    const std::string name = "reminders." + std::string(key);
    if (key == "enabled") {
      if (!member.is_bool()) return WrongType(name, "a boolean");
      r->enabled = member.as_bool();
      continue;
    }
    int* target = key == "first_after_days" ? &r->first_after_days
                  : key == "every_days"     ? &r->every_days
                  : key == "max"            ? &r->max
                                            : nullptr;
    if (target == nullptr) return crm::InvalidArgument("unknown member: " + name);
    if (!member.is_int64() || member.as_int64() < 0 || member.as_int64() > 100000)
      return crm::Unprocessable(name + ": a whole number");
    *target = static_cast<int>(member.as_int64());
  }
  return CheckReminderSettings(*r);
}

}  // namespace

crm::Result<Settings> SettingsFromJson(const json::value& body, const Settings& current,
                                       std::string_view language) {
  if (!body.is_object()) return crm::InvalidArgument("body: must be a JSON object");
  Settings s = current;
  for (const auto& [key, v] : body.as_object()) {
    if (key == "show_menu_entry") {
      if (!v.is_bool()) return WrongType(key, "a boolean");
      s.show_menu_entry = v.as_bool();
    } else if (key == "mandatory_gate") {
      if (!v.is_bool()) return WrongType(key, "a boolean");
      s.mandatory_gate = v.as_bool();
    } else if (key == "notify_email") {
      if (!v.is_string() && !v.is_null()) return WrongType(key, "an email address or null");
      s.notify_email = v.is_null() ? std::string() : std::string(v.as_string());
    } else if (key == "firm_name" || key == "firm_logo") {
      if (!v.is_string() && !v.is_null()) return WrongType(key, "a string or null");
      (key == "firm_name" ? s.firm_name : s.firm_logo) =
          v.is_null() ? std::string() : std::string(v.as_string());
    } else if (key == "firm_language") {
      if (!v.is_string()) return WrongType(key, "en, fr or nl");
      s.firm_language = std::string(v.as_string());
    } else if (key == "reminders") {
      CRM_RETURN_IF_ERROR(ParseRemindersInto(v, &s.reminders));
    } else if (key == "intro_markdown" || key == "intro_markdowns") {
      // A string replaces the request language's text; an object replaces the languages
      // it names (an empty string clears that translation).
      CRM_RETURN_IF_ERROR(ParseLocalizedInto(v, key, language, s.intro_markdown));
    } else {
      return crm::InvalidArgument("unknown member: " + std::string(key));
    }
  }
  return s;
}

}  // namespace cd

namespace cd {

json::object JournalEntryToJson(const JournalEntry& e) {
  json::value client = nullptr;
  if (e.client_id != 0) client = e.client_id;
  return json::object{
      {"seq", e.seq},
      {"at", IsoTimeUtc(e.at)},
      {"actor", json::object{{"kind", e.actor_kind}, {"id", e.actor_id}, {"name", e.actor_name}}},
      {"action", e.action},
      {"client_id", client},
      {"object", e.object},
      {"ip", e.ip},
      {"detail", e.detail},
      {"prev_hash", e.prev_hash},
      {"hash", e.hash}};
}

}  // namespace cd
