// plugin/type_store.cc — document types in cd_types: validation with field-level messages,
// JSON columns for fields and accept lists, ordering by position.
#include "plugin/type_store.h"

#include <algorithm>
#include <set>

#include <boost/json.hpp>

#include "plugin/review/review_store.h"
#include "text/text.h"

namespace cd {
namespace json = boost::json;

namespace {

constexpr char kSelectType[] =
    "SELECT id, name_en, name_fr, name_nl, help_en, help_fr, help_nl, upload_mode, fields_json,"
    " accept_json, max_size, max_files, active, position, keep_metadata, review, expiry_field,"
    " expiry_warn_days, retention_days FROM cd_types";

bool IsMimeToken(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= s.size()) return false;
  if (s.find('/', slash + 1) != std::string_view::npos) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.' ||
              c == '+' || c == '-';
    if (!ok) return false;
  }
  return s.size() <= 100;
}

// Stored as [{"key", "label": English, "labels": {"en","fr","nl"}, "type", "required"}].
// Rows written before labels were translatable have only "label": it becomes English.
std::string FieldsToJson(const std::vector<FieldDef>& fields) {
  json::array a;
  for (const FieldDef& f : fields) {
    a.push_back(json::object{
        {"key", f.key},
        {"label", f.label.en},
        {"labels", json::object{{"en", f.label.en}, {"fr", f.label.fr}, {"nl", f.label.nl}}},
        {"type", FieldTypeName(f.type)},
        {"required", f.required}});
  }
  return json::serialize(a);
}

std::vector<FieldDef> FieldsFromJson(const std::string& text) {
  std::vector<FieldDef> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const json::value& f : v.as_array()) {
    if (!f.is_object()) continue;
    const json::object& o = f.as_object();
    FieldDef d;
    if (auto* k = o.if_contains("key"); k && k->is_string()) d.key = std::string(k->as_string());
    if (auto* ls = o.if_contains("labels"); ls && ls->is_object()) {
      for (const auto& [lang, text] : ls->as_object())
        if (text.is_string()) d.label.Set(lang, std::string(text.as_string()));
    }
    if (auto* l = o.if_contains("label"); l && l->is_string() && d.label.en.empty())
      d.label.en = std::string(l->as_string());
    if (auto* t = o.if_contains("type"); t && t->is_string())
      d.type = ParseFieldType(t->as_string()).value_or(FieldType::kText);
    if (auto* r = o.if_contains("required"); r && r->is_bool()) d.required = r->as_bool();
    out.push_back(std::move(d));
  }
  return out;
}

std::string AcceptToJson(const std::vector<std::string>& accept) {
  json::array a;
  for (const std::string& m : accept) a.push_back(json::string(m));
  return json::serialize(a);
}

std::vector<std::string> AcceptFromJson(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const json::value& m : v.as_array())
    if (m.is_string()) out.emplace_back(m.as_string());
  return out;
}

DocumentType TypeFromRow(const crm::SqlRow& r) {
  DocumentType t;
  t.id = r.Int(0);
  t.name = LocalizedText{r.Text(1), r.Text(2), r.Text(3)};
  t.help = LocalizedText{r.Text(4), r.Text(5), r.Text(6)};
  t.upload_mode = ParseUploadMode(r.Text(7)).value_or(UploadMode::kOptional);
  t.fields = FieldsFromJson(r.Text(8));
  t.accept = AcceptFromJson(r.Text(9));
  t.max_size = r.Int(10);
  t.max_files = static_cast<int>(r.Int(11));
  t.active = r.Int(12) != 0;
  t.position = static_cast<int>(r.Int(13));
  t.keep_metadata = r.Int(14) != 0;
  t.review = r.Int(15) != 0;
  t.expiry_field = r.Text(16);
  t.expiry_warn_days = static_cast<int>(r.Int(17));
  if (!r.IsNull(18)) t.retention_days = static_cast<int>(r.Int(18));
  return t;
}

// "a, b,, c" -> {"a", "b", "", "c"}: trimmed items, empty ones kept (positions matter for
// the translated labels).
std::vector<std::string> SplitCommas(std::string_view text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    items.emplace_back(crm::text::TrimAll(text.substr(start, comma - start)));
    start = comma + 1;
  }
  return items;
}

// Lower-cases and de-duplicates the accept list so comparisons with libmagic's output
// (always lower case) are exact.
void NormalizeAccept(std::vector<std::string>& accept) {
  std::vector<std::string> out;
  for (std::string m : accept) {
    m = std::string(crm::text::TrimAll(m));
    std::transform(m.begin(), m.end(), m.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(std::move(m));
  }
  accept = std::move(out);
}

LocalizedText Trimmed(const LocalizedText& text) {
  return LocalizedText{std::string(crm::text::TrimAll(text.en)),
                       std::string(crm::text::TrimAll(text.fr)),
                       std::string(crm::text::TrimAll(text.nl))};
}

void ApplyDraft(const TypeDraft& d, DocumentType& t) {
  if (d.name) {
    LocalizedText name = Trimmed(*d.name);
    if (!d.complete_translations) name.MergeMissing(t.name);
    t.name = std::move(name);
  }
  if (d.help) t.help = *d.help;
  if (d.upload_mode) t.upload_mode = *d.upload_mode;
  if (d.fields) {
    std::vector<FieldDef> fields = *d.fields;
    for (FieldDef& f : fields) {
      f.label = Trimmed(f.label);
      if (!d.complete_translations) {
        for (const FieldDef& stored : t.fields)
          if (stored.key == f.key) f.label.MergeMissing(stored.label);
      }
      f.label.FillDefault();
      if (f.label.en.empty()) f.label.en = f.key;  // a field given without any label
    }
    t.fields = std::move(fields);
  }
  if (d.accept) {
    t.accept = *d.accept;
    NormalizeAccept(t.accept);
  }
  if (d.max_size) t.max_size = *d.max_size;
  if (d.max_files) t.max_files = *d.max_files;
  if (d.active) t.active = *d.active;
  if (d.position) t.position = *d.position;
  if (d.keep_metadata) t.keep_metadata = *d.keep_metadata;
  if (d.review) t.review = *d.review;
  if (d.expiry_field) t.expiry_field = *d.expiry_field;
  if (d.expiry_warn_days) t.expiry_warn_days = *d.expiry_warn_days;
  if (d.retention_days) t.retention_days = *d.retention_days;
}

// SPEC §6: the expiry is one of the type's date fields; warning and retention in range.
crm::Status ValidateReviewSettings(const DocumentType& t) {
  if (!t.expiry_field.empty()) {
    bool is_date = false;
    for (const FieldDef& f : t.fields)
      is_date = is_date || (f.key == t.expiry_field && f.type == FieldType::kDate);
    if (!is_date)
      return crm::Unprocessable("expiry_field: must be the key of one of the type's date fields");
  }
  if (t.expiry_warn_days < 0 || t.expiry_warn_days > kMaxExpiryWarnDays)
    return crm::Unprocessable("expiry_warn_days: from 0 to " + std::to_string(kMaxExpiryWarnDays));
  if (t.retention_days && (*t.retention_days < 1 || *t.retention_days > kMaxRetentionDays))
    return crm::Unprocessable("retention_days: from 1 to " + std::to_string(kMaxRetentionDays) +
                              ", or null");
  return crm::Status::Ok();
}

crm::SqlParams TypeParams(const DocumentType& t) {
  return {
      t.name.en,
      t.name.fr,
      t.name.nl,
      t.help.en,
      t.help.fr,
      t.help.nl,
      std::string(UploadModeName(t.upload_mode)),
      FieldsToJson(t.fields),
      AcceptToJson(t.accept),
      t.max_size,
      static_cast<int64_t>(t.max_files),
      static_cast<int64_t>(t.active ? 1 : 0),
      static_cast<int64_t>(t.position),
      static_cast<int64_t>(t.keep_metadata ? 1 : 0),
      static_cast<int64_t>(t.review ? 1 : 0),
      t.expiry_field,
      static_cast<int64_t>(t.expiry_warn_days),
      t.retention_days ? crm::SqlValue(static_cast<int64_t>(*t.retention_days)) : crm::SqlValue()};
}

}  // namespace

crm::Status ValidateType(const DocumentType& t) {
  if (t.name.en.empty()) return crm::Unprocessable("name: required");
  for (const std::string* n : {&t.name.en, &t.name.fr, &t.name.nl})
    if (n->size() > 200) return crm::Unprocessable("name: at most 200 characters");
  for (const std::string* h : {&t.help.en, &t.help.fr, &t.help.nl})
    if (h->size() > 4000) return crm::Unprocessable("help: at most 4000 characters");
  if (t.max_size <= 0 || t.max_size > kMaxMaxSize)
    return crm::Unprocessable("max_size: must be between 1 and " + std::to_string(kMaxMaxSize) +
                              " bytes");
  if (t.max_files < 1 || t.max_files > kMaxMaxFiles)
    return crm::Unprocessable("max_files: must be between 1 and " + std::to_string(kMaxMaxFiles));
  if (t.accept.empty()) return crm::Unprocessable("accept: at least one MIME type");
  for (const std::string& m : t.accept) {
    if (!IsMimeToken(m)) return crm::Unprocessable("accept: not a MIME type: " + m);
    // Kinds a browser runs (scripts in HTML, SVG, XML) are never collected: a stored one
    // served back to staff would be an attack on them, however it is served.
    if (m == "text/html" || m == "application/xhtml+xml" || m == "image/svg+xml" ||
        m == "text/xml" || m == "application/xml" || m == "text/javascript" ||
        m == "application/javascript" || m == "application/x-shockwave-flash")
      return crm::Unprocessable("accept: " + m + " is not allowed (a browser would run it)");
  }
  if (t.fields.size() > 20) return crm::Unprocessable("fields: at most 20");
  std::set<std::string> keys;
  for (const FieldDef& f : t.fields) {
    if (f.key.empty() || f.key.size() > 48)
      return crm::Unprocessable("fields.key: 1 to 48 characters");
    for (char c : f.key)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
        return crm::Unprocessable("fields.key: only a-z, 0-9 and _: " + f.key);
    // "file" names the upload's file parts and "_x" is form plumbing (e.g. "_csrf").
    if (f.key == "file" || f.key[0] == '_')
      return crm::Unprocessable("fields.key: reserved: " + f.key);
    if (f.label.en.empty() || f.label.en.size() > 200)
      return crm::Unprocessable("fields.label: 1 to 200 characters");
    if (f.label.fr.size() > 200 || f.label.nl.size() > 200)
      return crm::Unprocessable("fields.labels: at most 200 characters");
    if (!keys.insert(f.key).second) return crm::Unprocessable("fields.key: duplicate " + f.key);
  }
  return ValidateReviewSettings(t);
}

std::vector<FieldDef> FieldsFromLabels(std::string_view text) {
  std::vector<FieldDef> fields;
  std::set<std::string> used = {"file"};  // reserved for the file parts
  for (std::string& label : SplitCommas(text)) {
    if (label.empty()) continue;
    std::string base = Slugify(label);
    std::string key = base;
    for (int n = 2; used.count(key); ++n) key = base + "_" + std::to_string(n);
    used.insert(key);
    fields.push_back(
        FieldDef{key, LocalizedText{std::move(label), "", ""}, FieldType::kText, false});
  }
  return fields;
}

crm::Status SetLabelTranslations(std::vector<FieldDef>& fields, std::string_view language,
                                 std::string_view text) {
  std::vector<std::string> labels = SplitCommas(text);
  while (!labels.empty() && labels.back().empty()) labels.pop_back();
  if (labels.size() > fields.size())
    return crm::Unprocessable("fields_" + std::string(language) + ": " +
                              std::to_string(labels.size()) + " labels for " +
                              std::to_string(fields.size()) + " fields");
  for (size_t i = 0; i < fields.size(); ++i)
    fields[i].label.Set(language, i < labels.size() ? labels[i] : std::string());
  return crm::Status::Ok();
}

TypeStore::TypeStore(crm::HostServices& host) : host_(host) {}

crm::Result<std::vector<DocumentType>> TypeStore::List(bool include_inactive) const {
  std::string sql = std::string(kSelectType) + (include_inactive ? "" : " WHERE active = 1") +
                    " ORDER BY position, id";
  CRM_ASSIGN_OR_RETURN(auto rows, host_.Db().QueryAll(sql));
  std::vector<DocumentType> out;
  for (const crm::SqlRow& r : rows) out.push_back(TypeFromRow(r));
  return out;
}

crm::Result<DocumentType> TypeStore::Get(int64_t id) const {
  CRM_ASSIGN_OR_RETURN(auto row,
                       host_.Db().QueryOne(std::string(kSelectType) + " WHERE id = ?", {id}));
  if (!row.has_value()) return crm::NotFound("no document type " + std::to_string(id));
  return TypeFromRow(*row);
}

crm::Result<DocumentType> TypeStore::Create(const TypeDraft& draft) {
  if (!draft.name) return crm::Unprocessable("name: required");
  DocumentType t;
  t.accept = DefaultAccept();
  ApplyDraft(draft, t);
  t.name.FillDefault();
  if (!draft.position) {
    CRM_ASSIGN_OR_RETURN(auto last,
                         host_.Db().QueryOne("SELECT COALESCE(MAX(position), 0) FROM cd_types"));
    t.position = static_cast<int>((last)->Int(0)) + 1;
  }
  CRM_RETURN_IF_ERROR(ValidateType(t));
  int64_t now = host_.NowUnix();
  int64_t id = 0;
  crm::Status s = host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    crm::SqlParams p = TypeParams(t);
    p.push_back(now);
    p.push_back(now);
    CRM_ASSIGN_OR_RETURN(auto row, tx.QueryOne("INSERT INTO cd_types (name_en, name_fr, name_nl, "
                                               "help_en, help_fr, help_nl, upload_mode,"
                                               " fields_json, accept_json, max_size, max_files, "
                                               "active, position, keep_metadata, review, "
                                               "expiry_field, expiry_warn_days, retention_days, "
                                               "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
                                               "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                               "RETURNING id",
                                               p));
    id = row->Int(0);
    return crm::Status::Ok();
  });
  if (!s.ok()) return s;
  t.id = id;
  return t;
}

crm::Result<DocumentType> TypeStore::Update(int64_t id, const TypeDraft& draft) {
  CRM_ASSIGN_OR_RETURN(auto current, Get(id));
  DocumentType t = current;
  ApplyDraft(draft, t);
  CRM_RETURN_IF_ERROR(ValidateType(t));
  crm::SqlParams p = TypeParams(t);
  p.push_back(host_.NowUnix());
  p.push_back(id);
  // A new expiry field or warning moves every document's dates, in the same transaction.
  const bool expiry_changed =
      t.expiry_field != current.expiry_field || t.expiry_warn_days != current.expiry_warn_days;
  CRM_RETURN_IF_ERROR(host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(
        tx.Exec("UPDATE cd_types SET name_en = ?, name_fr = ?, name_nl = ?, help_en = ?,"
                " help_fr = ?, help_nl = ?, upload_mode = ?, fields_json = ?, accept_json = ?,"
                " max_size = ?, max_files = ?, active = ?, position = ?, keep_metadata = ?,"
                " review = ?, expiry_field = ?, expiry_warn_days = ?, retention_days = ?,"
                " updated_at = ? WHERE id = ?",
                p)
            .status());
    return expiry_changed ? RecomputeTypeExpiry(tx, t) : crm::Status::Ok();
  }));
  return t;
}

crm::Status TypeStore::Delete(int64_t id) {
  return host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(auto exists, tx.QueryOne("SELECT 1 FROM cd_types WHERE id = ?", {id}));
    if (!exists.has_value()) return crm::NotFound("no document type " + std::to_string(id));
    CRM_ASSIGN_OR_RETURN(auto used,
                         tx.QueryOne("SELECT EXISTS (SELECT 1 FROM cd_documents WHERE type_id = ?)"
                                     " OR EXISTS (SELECT 1 FROM cd_versions WHERE type_id = ?)",
                                     {id, id}));
    if ((used)->Int(0) != 0)
      return crm::Conflict(
          "clients have documents of this type; archive it (active=false) instead");
    auto r = tx.Exec("DELETE FROM cd_types WHERE id = ?", {id});
    return r.ok() ? crm::Status::Ok() : r.status();
  });
}

crm::Status TypeStore::Move(int64_t id, bool up) {
  return host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(std::vector<crm::SqlRow> rows,
                         tx.QueryAll("SELECT id, position FROM cd_types ORDER BY position, id"));
    std::vector<int64_t> ids;
    for (const crm::SqlRow& r : rows) ids.push_back(r.Int(0));
    auto it = std::find(ids.begin(), ids.end(), id);
    if (it == ids.end()) return crm::NotFound("no document type " + std::to_string(id));
    size_t index = static_cast<size_t>(it - ids.begin());
    if (up && index > 0) std::swap(ids[index], ids[index - 1]);
    if (!up && index + 1 < ids.size()) std::swap(ids[index], ids[index + 1]);
    // Renumbered 0..n-1 on the way, so types created with equal positions still move.
    const int64_t now = host_.NowUnix();
    for (size_t i = 0; i < ids.size(); ++i) {
      const int64_t position = static_cast<int64_t>(i);
      CRM_RETURN_IF_ERROR(tx.Exec("UPDATE cd_types SET position = ?, updated_at = ?"
                                  " WHERE id = ? AND position <> ?",
                                  {position, now, ids[i], position})
                              .status());
    }
    return crm::Status::Ok();
  });
}

}  // namespace cd
