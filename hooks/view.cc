// hooks/view.cc — template rendering and the small page helpers of the hook files.
// Templates come from the embedded ui-fragments/, so the module is one self-contained file.
#include "hooks/view.h"

#include "plugin/review/state.h"

#include <cstdio>
#include <map>

#include "plugin/documents/document_service.h"
#include "plugin/uploader.h"
#include "text/messages.h"

namespace cd::hooks {

namespace {

// {{t.group.name}} for every "client-documents.group.name" key of `language`.
Data TextsData(const Texts& texts, std::string_view language) {
  std::map<std::string, Data> groups;
  for (const auto& [key, text] : texts.Entries(language)) {
    std::string_view rest = std::string_view(key).substr(kKeyPrefix.size());
    size_t dot = rest.find('.');
    if (dot == std::string_view::npos) continue;
    std::string group(rest.substr(0, dot));
    auto [it, inserted] = groups.try_emplace(group, Data(Data::type::object));
    it->second.set(std::string(rest.substr(dot + 1)), Data(text));
  }
  Data t(Data::type::object);
  for (auto& [group, data] : groups) t.set(group, data);
  return t;
}

}  // namespace

crm::Result<std::string> Render(const Context& ctx, std::string_view name,
                                std::string_view language, Data data) {
  std::string path = "templates/" + std::string(name) + ".mustache";
  auto it = ctx.fragments.find(path);
  if (it == ctx.fragments.end()) return crm::Internal("missing template " + path);
  kainjow::mustache::mustache tmpl(it->second);
  if (!tmpl.is_valid()) return crm::Internal(path + ": " + tmpl.error_message());
  data.set("t", TextsData(ctx.texts, language));
  data.set("lang", std::string(language));
  data.set("assets", std::string(kAssetPrefix));
  std::string html = tmpl.render(data);
  if (!tmpl.is_valid()) return crm::Internal(path + ": " + tmpl.error_message());
  return html;
}

bool HasRoomForFiles(const ClientDocument& doc) {
  return doc.status != DocumentStatus::kMissing && !doc.files.empty() &&
         doc.files.size() < static_cast<size_t>(doc.type.max_files);
}

std::string CsrfField(std::string_view token) {
  return "<input type=\"hidden\" name=\"_csrf\" value=\"" + crm::text::EscapeHtml(token) + "\">";
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool FormChecked(const crm::Request& request, std::string_view name) {
  std::optional<std::string> v = request.FormValue(name);
  return v && *v != "0" && *v != "off";
}

bool WantsJson(const crm::Request& request) {
  return request.Header("Accept").value_or("").find("application/json") != std::string::npos;
}

std::string_view ErrorKey(crm::StatusCode code) {
  switch (code) {
    case crm::StatusCode::kTooLarge:
      return "error.too_large";
    case crm::StatusCode::kUnsupportedType:
      return "error.unsupported_type";
    case crm::StatusCode::kUnprocessable:
    case crm::StatusCode::kInvalidArgument:
      return "error.unprocessable";
    case crm::StatusCode::kPermissionDenied:
    case crm::StatusCode::kUnauthenticated:
      return "error.not_allowed";
    case crm::StatusCode::kNotFound:
      return "error.not_found";
    case crm::StatusCode::kConflict:
      return "error.conflict";
    default:
      return "error.generic";
  }
}

namespace {

// The module's validation messages (technical English, kept as they are in the API next to their
// code) and the text a page shows instead, in the reader's language (issue 15.9). A pattern's
// "{name}" binds what the message holds there (a number, a MIME type, a key), given to the text.
constexpr crm::text::KnownMessage kKnownMessages[] = {
    {"the file is empty", "message.empty_file"},
    {kImageDamaged, "message.image_damaged"},
    {"at most {n} file(s)", "message.max_files"},
    {"name: required", "message.name_required"},
    {"name: at most 200 characters", "message.name_long"},
    {"help: at most 4000 characters", "message.help_long"},
    {"max_size: must be between 1 and {n} bytes", "message.max_size"},
    {"max_files: must be between 1 and {n}", "message.max_files_range"},
    {"accept: at least one MIME type", "message.accept_empty"},
    {"accept: not a MIME type: {n}", "message.accept_bad"},
    {"accept: {n} is not allowed (a browser would run it)", "message.accept_active"},
    {"fields: at most 20", "message.fields_many"},
    {"fields.key: 1 to 48 characters", "message.field_key_length"},
    {"fields.key: only a-z, 0-9 and _: {n}", "message.field_key_chars"},
    {"fields.key: reserved: {n}", "message.field_key_reserved"},
    {"fields.key: duplicate {n}", "message.field_key_duplicate"},
    {"fields.label: 1 to 200 characters", "message.field_label_length"},
    {"fields.labels: at most 200 characters", "message.field_label_length"},
    {"expiry_field: must be the key of one of the type's date fields", "message.expiry_field"},
    {"expiry_warn_days: from 0 to {n}", "message.expiry_warn_days"},
    {"retention_days: from 1 to {n}, or null", "message.retention_days"},
    {"intro_markdown: at most 64 KiB", "message.intro_long"},
    {"notify_email: one email address", "message.notify_email"},
    {"upload_mode: choose optional, required or staff only", "message.upload_mode"},
    {"max_size: a number of MB greater than 0", "message.max_size_mb"},
    {"max_files: a whole number", "message.max_files_number"},
    {"fields_{lang}: {n} labels for {m} fields", "message.labels_count"},
};

// The text of a known message in `language`, "" for any other.
std::string MessageText(const Context& ctx, std::string_view language, std::string_view message) {
  auto known = crm::text::FindKnownMessage(kKnownMessages, message);
  if (!known) return "";
  return crm::text::FillPlaceholders(ctx.texts.Get(language, known->first), known->second);
}

}  // namespace

std::string FieldErrorText(const Context& ctx, std::string_view language,
                           const std::string& message, const DocumentType* type) {
  // "fields.<key>: <reason>" (DocumentService's validation), then the known messages; never
  // the technical English of an unknown one ("": the page says only that something is wrong).
  constexpr std::string_view kPrefix = "fields.";
  size_t colon = message.find(": ");
  if (!type || message.rfind(kPrefix, 0) != 0 || colon == std::string::npos)
    return MessageText(ctx, language, message);
  std::string key = message.substr(kPrefix.size(), colon - kPrefix.size());
  std::string_view reason = std::string_view(message).substr(colon + 2);
  const FieldDef* field = nullptr;
  for (const FieldDef& f : type->fields) {
    if (f.key == key) field = &f;
  }
  std::string_view text_key;
  if (reason == kFieldRequired)
    text_key = "field_error.required";
  else if (reason == kFieldNotDate)
    text_key = "field_error.date";
  else if (reason == kFieldNotNumber)
    text_key = "field_error.number";
  else if (reason == kFieldControlChars)
    text_key = "field_error.control";
  if (!field || text_key.empty()) return MessageText(ctx, language, message);
  return ctx.texts.Format(language, text_key, {{"label", field->label.Get(language)}});
}

std::string ErrorText(const Context& ctx, std::string_view language, const crm::Status& error,
                      const DocumentType* type) {
  std::string_view key = ErrorKey(error.code());
  std::string size = type ? FormatSize(language, type->max_size) : "";
  std::string kinds = type ? KindList(type->accept) : "";
  // Only validation messages are shown: they name the field at fault and hold nothing
  // internal; a field's is said with its label, in the reader's language. Other codes
  // get the catalog's sentence alone.
  std::string message = (error.code() == crm::StatusCode::kUnprocessable ||
                         error.code() == crm::StatusCode::kInvalidArgument)
                            ? FieldErrorText(ctx, language, error.message(), type)
                            : "";
  if (key == "error.unprocessable" && message.empty()) key = "error.invalid";
  return ctx.texts.Format(language, key, {{"size", size}, {"kinds", kinds}, {"message", message}});
}

std::string UploaderName(const Context& ctx, const crm::Principal& reader, std::string_view stored,
                         std::string_view client_name) {
  const std::string& lang = reader.language;
  UploaderWords words{ctx.texts.Get(lang, "who.you"), ctx.texts.Get(lang, "who.client"),
                      ctx.texts.Get(lang, "who.api")};
  return UploaderText(stored, reader.IsClient(), client_name, words);
}

std::string UploadedByText(const Context& ctx, const crm::Principal& reader,
                           std::string_view stored, std::string_view client_name) {
  if (stored.empty()) return "";
  return ctx.texts.Format(reader.language, "status.uploaded_by",
                          {{"who", UploaderName(ctx, reader, stored, client_name)}});
}

void SetCommentsData(const Context& ctx, std::string_view language,
                     const std::vector<Comment>& comments, Data& d) {
  DataList list;
  for (const Comment& c : comments) {
    Data item;
    item.set("author", c.author_name);
    item.set("staff", c.author_kind == "staff");
    item.set("at", FormatDateTime(ctx.host, language, c.created_at));
    item.set("body", c.body);
    list.push_back(std::move(item));
  }
  d.set("has_comments", !list.empty());
  d.set("comments", list);
  d.set("comment_max", std::to_string(kMaxCommentChars));
}

std::string StateKey(DocumentStatus status) {
  return "state." + std::string(DocumentStatusName(status));
}

std::string_view ModeKey(UploadMode mode) {
  switch (mode) {
    case UploadMode::kOptional:
      return "mode.optional";
    case UploadMode::kRequired:
      return "mode.required";
    case UploadMode::kAdminOnly:
      return "mode.admin_only";
  }
  return "mode.optional";
}

// The review and expiry part of DocumentData (see view.h).
void SetStateData(const Context& ctx, std::string_view language, const ClientDocument& doc,
                  Data& d) {
  d.set("state", std::string(DocumentStatusName(doc.status)));
  d.set("state_text", ctx.texts.Get(language, StateKey(doc.status)));
  d.set("has_state",
        doc.status != DocumentStatus::kMissing && doc.status != DocumentStatus::kUploaded);
  d.set("state_ok", IsSatisfied(doc.status));
  d.set("is_pending", doc.status == DocumentStatus::kPending);
  const bool rejected = doc.status == DocumentStatus::kRejected;
  d.set("is_rejected", rejected);
  d.set("has_reason", rejected && doc.review && !doc.review->reason.empty());
  d.set("reason", doc.review ? doc.review->reason : std::string());
  d.set("has_expiry", !doc.expires_on.empty());
  d.set("expires_text",
        doc.expires_on.empty()
            ? std::string()
            : ctx.texts.Format(language, "state.expires_on",
                               {{"date", FormatIsoDate(language, doc.expires_on)}}));
}

Data DocumentData(const Context& ctx, std::string_view language, const ClientDocument& doc,
                  std::string_view doc_url, std::string_view thumb_base) {
  const DocumentType& type = doc.type;
  const bool uploaded = doc.status != DocumentStatus::kMissing;
  Data d;
  d.set("type_id", std::to_string(type.id));
  d.set("name", type.name.Get(language));
  d.set("help", type.help.Get(language));
  d.set("has_help", !type.help.Get(language).empty());
  d.set("mode", ctx.texts.Get(language, ModeKey(type.upload_mode)));
  d.set("mode_class", std::string(UploadModeName(type.upload_mode)));
  d.set("is_required", type.upload_mode == UploadMode::kRequired);
  d.set("is_admin_only", type.upload_mode == UploadMode::kAdminOnly);
  d.set("uploaded", uploaded);
  d.set("status_text",
        uploaded ? ctx.texts.Format(language, "status.uploaded_on",
                                    {{"date", FormatDate(ctx.host, language, doc.uploaded_at)}})
                 : ctx.texts.Get(language, "status.missing"));
  d.set("doc_url", std::string(doc_url));
  SetStateData(ctx, language, doc, d);

  DataList fields;
  for (const FieldDef& field : type.fields) {
    Data f;
    auto value = doc.fields.find(field.key);
    f.set("key", field.key);
    f.set("label", field.label.Get(language));
    f.set("value", value == doc.fields.end() ? std::string() : value->second);
    f.set("input_type", field.type == FieldType::kDate     ? "date"
                        : field.type == FieldType::kNumber ? "number"
                                                           : "text");
    f.set("required", field.required);
    fields.push_back(std::move(f));
  }
  d.set("has_fields", !fields.empty());
  d.set("fields", fields);

  DataList files;
  for (const StoredFile& file : doc.files) {
    Data f;
    std::string file_url = std::string(doc_url) + "/files/" + std::to_string(file.id);
    f.set("id", std::to_string(file.id));
    f.set("name", file.name);
    f.set("size", FormatSize(language, file.size));
    f.set("kind", KindName(file.mime));
    f.set("view_url", file_url + "?inline=1");
    f.set("download_url", file_url);
    f.set("has_thumbnail", !file.thumbnail_key.empty());
    f.set("thumbnail_url", std::string(thumb_base) + "/" + std::to_string(file.id));
    f.set("thumbnail_alt",
          ctx.texts.Format(language, "files.thumbnail_alt", {{"name", file.name}}));
    files.push_back(std::move(f));
  }
  d.set("has_files", !files.empty());
  d.set("files", files);

  std::string accept;
  for (const std::string& mime : type.accept) accept += (accept.empty() ? "" : ",") + mime;
  d.set("accept", accept);
  std::string limits = ctx.texts.Format(
      language, "area.accepted",
      {{"kinds", KindList(type.accept)}, {"size", FormatSize(language, type.max_size)}});
  if (type.max_files > 1) {
    limits += " " + ctx.texts.Format(language, "area.max_files",
                                     {{"count", std::to_string(type.max_files)}});
  }
  d.set("limits_text", limits);
  d.set("multiple", type.max_files > 1);
  d.set("max_size", std::to_string(type.max_size));
  d.set("too_large_text", ctx.texts.Format(language, "error.too_large",
                                           {{"size", FormatSize(language, type.max_size)}}));
  d.set("wrong_kind_text",
        ctx.texts.Format(language, "error.unsupported_type", {{"kinds", KindList(type.accept)}}));
  return d;
}

}  // namespace cd::hooks
