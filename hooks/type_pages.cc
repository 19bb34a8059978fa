// hooks/type_pages.cc — CD1: the admin pages behind the settings page's list of document
// types: the form to add or edit a type, and the routes that save, reorder and archive types.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/page_routes.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/type_store.h"

namespace cd::hooks {

namespace {

// Kinds offered as checkboxes; a type may hold others (set through the API), which the
// form then shows too so that saving does not drop them.
const std::vector<std::string>& OfferedKinds() {
  static const std::vector<std::string> kinds = {"application/pdf", "image/jpeg", "image/png",
                                                 "image/webp",      "image/heic", "image/heif",
                                                 "image/tiff",      "image/gif"};
  return kinds;
}

// ---- Document type form ------------------------------------------------------------

// The type the form describes, as far as it could be read (so that the form can be shown
// again with what the admin typed); *error says what could not be read.
DocumentType TypeFromForm(const crm::Request& request, bool* ask_fields, crm::Status* error) {
  DocumentType type;
  for (std::string_view lang : crm::kLanguages) {
    type.name.Set(lang, request.FormValue("name_" + std::string(lang)).value_or(""));
    type.help.Set(lang, request.FormValue("help_" + std::string(lang)).value_or(""));
  }
  std::optional<UploadMode> mode = ParseUploadMode(request.FormValue("upload_mode").value_or(""));
  if (mode) {
    type.upload_mode = *mode;
  } else {
    *error = crm::Unprocessable("upload_mode: choose optional, required or staff only");
  }

  *ask_fields = FormChecked(request, "ask_fields");
  if (*ask_fields) {
    type.fields = FieldsFromLabels(request.FormValue("fields").value_or(""));
    for (FieldDef& field : type.fields) {
      std::optional<FieldType> ft =
          ParseFieldType(request.FormValue("field_type." + field.key).value_or("text"));
      field.type = ft.value_or(FieldType::kText);
      field.required = FormChecked(request, "field_required." + field.key);
    }
    // The same labels in French and Dutch, by position.
    for (std::string_view lang : {"fr", "nl"}) {
      crm::Status s = SetLabelTranslations(
          type.fields, lang, request.FormValue("fields_" + std::string(lang)).value_or(""));
      if (!s.ok() && error->ok()) *error = s;
    }
  }
  for (const auto& [name, value] : request.Form()) {
    if (name == "accept") type.accept.push_back(value);
  }
  type.keep_metadata = FormChecked(request, "keep_metadata");

  std::string size_text = request.FormValue("max_size_mb").value_or("");
  char* end = nullptr;
  double mb = std::strtod(size_text.c_str(), &end);
  if (size_text.empty() || end != size_text.c_str() + size_text.size() || !std::isfinite(mb) ||
      mb <= 0 || mb > 1e6) {
    if (error->ok()) *error = crm::Unprocessable("max_size: a number of MB greater than 0");
  } else {
    type.max_size = static_cast<int64_t>(std::llround(mb * 1024 * 1024));
  }

  std::string files_text = request.FormValue("max_files").value_or("");
  int max_files = 0;
  auto [ptr, ec] =
      std::from_chars(files_text.data(), files_text.data() + files_text.size(), max_files);
  if (ec != std::errc() || ptr != files_text.data() + files_text.size()) {
    if (error->ok()) *error = crm::Unprocessable("max_files: a whole number");
  } else {
    type.max_files = max_files;
  }
  return type;
}

TypeDraft DraftOf(const DocumentType& type) {
  TypeDraft draft;
  draft.complete_translations = true;  // the form shows every language: empty clears
  draft.name = type.name;
  draft.help = type.help;
  draft.upload_mode = type.upload_mode;
  draft.fields = type.fields;
  draft.accept = type.accept;
  draft.max_size = type.max_size;
  draft.max_files = type.max_files;
  draft.keep_metadata = type.keep_metadata;
  return draft;
}

// The upload modes as the form's options, `selected` checked.
DataList ModeOptions(const Context& ctx, const std::string& lang, UploadMode selected) {
  DataList modes;
  for (UploadMode mode : {UploadMode::kOptional, UploadMode::kRequired, UploadMode::kAdminOnly}) {
    Data m;
    m.set("value", std::string(UploadModeName(mode)));
    m.set("label", ctx.texts.Get(lang, ModeKey(mode)));
    m.set("selected", mode == selected);
    modes.push_back(std::move(m));
  }
  return modes;
}

// One row per extra field: key, label, required, and the field types as options.
DataList FieldRows(const Context& ctx, const std::string& lang, const std::vector<FieldDef>& defs) {
  DataList fields;
  for (const FieldDef& field : defs) {
    Data f;
    f.set("key", field.key);
    f.set("label", field.label.Get(lang));
    f.set("required", field.required);
    DataList options;
    for (FieldType ft : {FieldType::kText, FieldType::kDate, FieldType::kNumber}) {
      Data o;
      o.set("value", std::string(FieldTypeName(ft)));
      o.set("label", ctx.texts.Get(lang, "settings.field_" + std::string(FieldTypeName(ft))));
      o.set("selected", ft == field.type);
      options.push_back(std::move(o));
    }
    f.set("types", options);
    fields.push_back(std::move(f));
  }
  return fields;
}

// The labels per language as the comma-separated form (fields_text, fields_text_fr,
// fields_text_nl); a missing translation is an empty item so the others keep their position.
void SetFieldLabelTexts(Data& data, const std::vector<FieldDef>& defs) {
  for (std::string_view l : crm::kLanguages) {
    std::string labels;
    bool any = false;
    for (size_t i = 0; i < defs.size(); ++i) {
      const LocalizedText& label = defs[i].label;
      const std::string& text = l == "en" ? label.en : l == "fr" ? label.fr : label.nl;
      labels += (i == 0 ? "" : ", ") + text;
      any = any || !text.empty();
    }
    while (labels.size() >= 2 && labels.compare(labels.size() - 2, 2, ", ") == 0)
      labels.resize(labels.size() - 2);
    data.set(l == "en" ? std::string("fields_text") : "fields_text_" + std::string(l),
             any ? labels : std::string());
  }
}

// The offered kinds plus any other the type accepts, as checkboxes.
DataList AcceptOptions(const std::vector<std::string>& accepted) {
  std::vector<std::string> kinds = OfferedKinds();
  for (const std::string& mime : accepted) {
    if (std::find(kinds.begin(), kinds.end(), mime) == kinds.end()) kinds.push_back(mime);
  }
  DataList accept;
  for (const std::string& mime : kinds) {
    Data k;
    k.set("value", mime);
    k.set("label", KindName(mime));
    k.set("checked", std::find(accepted.begin(), accepted.end(), mime) != accepted.end());
    accept.push_back(std::move(k));
  }
  return accept;
}

crm::Result<std::string> RenderTypeForm(Context& ctx, const crm::Principal& caller,
                                        const DocumentType& type, bool is_new, bool ask_fields,
                                        const std::string& error) {
  const std::string& lang = caller.language;
  Data data;
  data.set("is_new", is_new);
  data.set("action", is_new ? kTypesPath : kTypesPath + "/" + std::to_string(type.id));
  data.set("csrf", caller.csrf_token);
  data.set("cancel_url", kSettingsPath);
  data.set("has_error", !error.empty());
  data.set("error", error);
  data.set("name_en", type.name.en);
  data.set("name_fr", type.name.fr);
  data.set("name_nl", type.name.nl);
  data.set("help_en", type.help.en);
  data.set("help_fr", type.help.fr);
  data.set("help_nl", type.help.nl);
  data.set("modes", ModeOptions(ctx, lang, type.upload_mode));
  data.set("ask_fields", ask_fields);
  DataList fields = FieldRows(ctx, lang, type.fields);
  SetFieldLabelTexts(data, type.fields);
  data.set("has_fields", !fields.empty());
  data.set("fields", fields);
  data.set("accept", AcceptOptions(type.accept));
  data.set("keep_metadata", type.keep_metadata);
  char mb[32];
  std::snprintf(mb, sizeof mb, "%g", static_cast<double>(type.max_size) / (1024.0 * 1024.0));
  data.set("max_size_mb", std::string(mb));
  data.set("max_files", std::to_string(type.max_files));
  data.set("max_files_limit", std::to_string(kMaxMaxFiles));
  return Render(ctx, "type_form", lang, std::move(data));
}

crm::Status SendTypeForm(Context& ctx, crm::Request& request, crm::Response& response,
                         const DocumentType& type, bool is_new, bool ask_fields,
                         const std::string& error, int status) {
  const std::string& lang = request.Caller().language;
  CRM_ASSIGN_OR_RETURN(std::string body,
                       RenderTypeForm(ctx, request.Caller(), type, is_new, ask_fields, error));
  return response.SendPage(
      crm::PageReply{crm::PageReply::Layout::kAdmin,
                     ctx.texts.Get(lang, is_new ? "settings.add_type" : "settings.edit_type"),
                     std::move(body), status});
}

crm::Status HandleTypeForm(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<std::string> id_text = request.PathParam("type_id");
  if (!id_text) {
    DocumentType fresh;
    fresh.accept = DefaultAccept();
    return SendTypeForm(ctx, request, response, fresh, true, false, "", 200);
  }
  std::optional<int64_t> id = crm::text::ParseId(id_text);
  if (!id) return crm::NotFound("no such document type");
  CRM_ASSIGN_OR_RETURN(DocumentType type, ctx.services.types().Get(*id));
  return SendTypeForm(ctx, request, response, type, false, !type.fields.empty(), "", 200);
}

crm::Status HandleTypeSave(Context& ctx, crm::Request& request, crm::Response& response) {
  const std::string& lang = request.Caller().language;
  std::optional<int64_t> id;
  if (request.PathParam("type_id")) {
    id = crm::text::ParseId(request.PathParam("type_id"));
    if (!id) return crm::NotFound("no such document type");
  }
  bool ask_fields = false;
  crm::Status status;
  DocumentType shown = TypeFromForm(request, &ask_fields, &status);
  if (status.ok()) {
    status = id ? ctx.services.types().Update(*id, DraftOf(shown)).status()
                : ctx.services.types().Create(DraftOf(shown)).status();
  }
  if (status.ok()) return response.Redirect(kSettingsPath + "?flash=type_saved");
  if (status.code() != crm::StatusCode::kUnprocessable &&
      status.code() != crm::StatusCode::kInvalidArgument) {
    return status;  // not found, database trouble: the host's error page
  }
  // Show the form again with what the admin typed, and what is wrong with it.
  if (id) shown.id = *id;
  return SendTypeForm(ctx, request, response, shown, !id, ask_fields,
                      ErrorText(ctx, lang, status, nullptr), 422);
}

// Swaps a type with its neighbour (TypeStore::Move renumbers in one transaction).
crm::Status HandleMove(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("type_id"));
  if (!id) return crm::NotFound("no such document type");
  const bool up = request.FormValue("direction").value_or("") == "up";
  CRM_RETURN_IF_ERROR(ctx.services.types().Move(*id, up));
  return response.Redirect(kSettingsPath + "?flash=type_moved");
}

crm::Status HandleActive(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("type_id"));
  if (!id) return crm::NotFound("no such document type");
  TypeDraft draft;
  draft.active = FormChecked(request, "active");
  CRM_RETURN_IF_ERROR((ctx.services.types().Update(*id, draft)).status());
  return response.Redirect(kSettingsPath +
                           (*draft.active ? "?flash=type_restored" : "?flash=type_archived"));
}

}  // namespace

crm::Status RegisterTypePages(crm::Registrar& registrar, const ContextPtr& ctx) {
  const crm::Audience manager{crm::Audience::Kind::kAdmin, kPermSettings, ""};
  constexpr uint64_t kFormBody = 1 << 20;
  return AddPageRoutes(
      registrar, ctx,
      {
          {"GET", kTypesPath + "/new", manager, 0, HandleTypeForm},
          {"GET", kTypesPath + "/{type_id}", manager, 0, HandleTypeForm},
          {"POST", kTypesPath, manager, kFormBody, HandleTypeSave},
          {"POST", kTypesPath + "/{type_id}", manager, kFormBody, HandleTypeSave},
          {"POST", kTypesPath + "/{type_id}/move", manager, kFormBody, HandleMove},
          {"POST", kTypesPath + "/{type_id}/active", manager, kFormBody, HandleActive},
      });
}

}  // namespace cd::hooks
