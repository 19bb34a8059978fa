// hooks/settings_page.cc — CD4 + CD1: the module's settings page (menu entry, intro text, gate)
// with the list of document types, and the admin routes to add, edit, reorder and archive types.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/type_store.h"

namespace cd::hooks {

namespace {

const std::string kSettingsPath = std::string(kAdminPrefix) + "/settings";
const std::string kTypesPath = std::string(kAdminPrefix) + "/types";

// Kinds offered as checkboxes; a type may hold others (set through the API), which the
// form then shows too so that saving does not drop them.
const std::vector<std::string>& OfferedKinds() {
  static const std::vector<std::string> kinds = {
      "application/pdf", "image/jpeg", "image/png", "image/webp", "image/heic",
      "image/heif",      "image/tiff", "image/gif"};
  return kinds;
}

std::optional<std::string_view> FlashKey(std::string_view code) {
  if (code == "type_saved") return "settings.type_saved";
  if (code == "type_archived") return "settings.type_archived";
  if (code == "type_restored") return "settings.type_restored";
  if (code == "type_moved") return "settings.type_moved";
  return std::nullopt;
}

bool Checked(const crm::Request& request, std::string_view name) {
  std::optional<std::string> v = request.FormValue(name);
  return v && *v != "0" && *v != "off";
}

crm::Result<std::string> RenderSettings(Context& ctx, crm::Request& request) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  crm::Result<Settings> settings = ctx.services.settings().Get();
  if (!settings.ok()) return settings.status();
  crm::Result<std::vector<DocumentType>> types = ctx.services.types().List(true);
  if (!types.ok()) return types.status();

  const std::string csrf = "?_csrf=" + UrlEncode(caller.csrf_token);
  DataList rows;
  for (size_t i = 0; i < types->size(); ++i) {
    const DocumentType& type = (*types)[i];
    const std::string url = kTypesPath + "/" + std::to_string(type.id);
    Data r;
    r.set("name", type.name.Get(lang));
    r.set("mode", ctx.texts.Get(lang, ModeKey(type.upload_mode)));
    std::string fields;
    for (const FieldDef& f : type.fields) fields += (fields.empty() ? "" : ", ") + f.label.Get(lang);
    r.set("fields", fields);
    r.set("kinds", KindList(type.accept));
    r.set("max_size", FormatSize(lang, type.max_size));
    r.set("max_files", std::to_string(type.max_files));
    r.set("active", type.active);
    r.set("edit_url", url);
    r.set("move_url", url + "/move" + csrf);
    r.set("active_url", url + "/active" + csrf);
    r.set("first", i == 0);
    r.set("last", i + 1 == types->size());
    rows.push_back(std::move(r));
  }
  Data data;
  data.set("action", kSettingsPath);
  data.set("csrf", caller.csrf_token);
  data.set("show_menu_entry", settings->show_menu_entry);
  data.set("mandatory_gate", settings->mandatory_gate);
  data.set("intro", settings->intro_markdown.en);
  data.set("intro_fr", settings->intro_markdown.fr);
  data.set("intro_nl", settings->intro_markdown.nl);
  data.set("types", rows);
  data.set("has_types", !rows.empty());
  data.set("can_manage_types", caller.HasPermission(kPermSettings));
  data.set("new_type_url", kTypesPath + "/new");
  std::optional<std::string_view> flash;
  if (auto f = request.Query("flash")) flash = FlashKey(*f);
  data.set("has_flash", flash.has_value());
  data.set("flash", flash ? ctx.texts.Get(lang, *flash) : std::string());
  return Render(ctx, "settings", lang, std::move(data));
}

crm::Status SaveSettings(Context& ctx, crm::Request& request) {
  crm::Result<Settings> current = ctx.services.settings().Get();
  if (!current.ok()) return current.status();
  Settings settings = *current;
  settings.show_menu_entry = Checked(request, "show_menu_entry");
  settings.mandatory_gate = Checked(request, "mandatory_gate");
  // English (the default language) in "intro", translations under it; a translation
  // absent from the form is kept, an empty one is cleared (the English text shows).
  settings.intro_markdown.en = request.FormValue("intro").value_or("");
  for (std::string_view lang : {"fr", "nl"}) {
    if (std::optional<std::string> text = request.FormValue("intro_" + std::string(lang)))
      settings.intro_markdown.Set(lang, *text);
  }
  return ctx.services.settings().Save(settings);
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

  *ask_fields = Checked(request, "ask_fields");
  if (*ask_fields) {
    type.fields = FieldsFromLabels(request.FormValue("fields").value_or(""));
    for (FieldDef& field : type.fields) {
      std::optional<FieldType> ft =
          ParseFieldType(request.FormValue("field_type." + field.key).value_or("text"));
      field.type = ft.value_or(FieldType::kText);
      field.required = Checked(request, "field_required." + field.key);
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
  auto [ptr, ec] = std::from_chars(files_text.data(), files_text.data() + files_text.size(), max_files);
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
  return draft;
}

crm::Result<std::string> RenderTypeForm(Context& ctx, const crm::Principal& caller,
                                        const DocumentType& type, bool is_new, bool ask_fields,
                                        const std::string& error) {
  const std::string& lang = caller.language;
  Data data;
  data.set("is_new", is_new);
  data.set("action", (is_new ? kTypesPath : kTypesPath + "/" + std::to_string(type.id)) +
                         "?_csrf=" + UrlEncode(caller.csrf_token));
  data.set("cancel_url", kSettingsPath);
  data.set("has_error", !error.empty());
  data.set("error", error);
  data.set("name_en", type.name.en);
  data.set("name_fr", type.name.fr);
  data.set("name_nl", type.name.nl);
  data.set("help_en", type.help.en);
  data.set("help_fr", type.help.fr);
  data.set("help_nl", type.help.nl);
  DataList modes;
  for (UploadMode mode : {UploadMode::kOptional, UploadMode::kRequired, UploadMode::kAdminOnly}) {
    Data m;
    m.set("value", std::string(UploadModeName(mode)));
    m.set("label", ctx.texts.Get(lang, ModeKey(mode)));
    m.set("selected", mode == type.upload_mode);
    modes.push_back(std::move(m));
  }
  data.set("modes", modes);
  data.set("ask_fields", ask_fields);
  DataList fields;
  for (const FieldDef& field : type.fields) {
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
  // The labels per language as the comma-separated form; a missing translation is an
  // empty item so that the others keep their position.
  for (std::string_view l : crm::kLanguages) {
    std::string labels;
    bool any = false;
    for (size_t i = 0; i < type.fields.size(); ++i) {
      const LocalizedText& label = type.fields[i].label;
      const std::string& text = l == "en" ? label.en : l == "fr" ? label.fr : label.nl;
      labels += (i == 0 ? "" : ", ") + text;
      any = any || !text.empty();
    }
    while (labels.size() >= 2 && labels.compare(labels.size() - 2, 2, ", ") == 0) labels.resize(labels.size() - 2);
    data.set(l == "en" ? std::string("fields_text") : "fields_text_" + std::string(l),
             any ? labels : std::string());
  }
  data.set("fields", fields);
  data.set("has_fields", !fields.empty());
  std::vector<std::string> kinds = OfferedKinds();
  for (const std::string& mime : type.accept) {
    if (std::find(kinds.begin(), kinds.end(), mime) == kinds.end()) kinds.push_back(mime);
  }
  DataList accept;
  for (const std::string& mime : kinds) {
    Data k;
    k.set("value", mime);
    k.set("label", KindName(mime));
    k.set("checked", std::find(type.accept.begin(), type.accept.end(), mime) != type.accept.end());
    accept.push_back(std::move(k));
  }
  data.set("accept", accept);
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
  crm::Result<std::string> body = RenderTypeForm(ctx, request.Caller(), type, is_new, ask_fields, error);
  if (!body.ok()) return body.status();
  return response.SendPage(crm::PageReply{
      crm::PageReply::Layout::kAdmin,
      ctx.texts.Get(lang, is_new ? "settings.add_type" : "settings.edit_type"),
      std::move(body).value(), status});
}

crm::Status HandleTypeForm(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<std::string> id_text = request.PathParam("type_id");
  if (!id_text) {
    DocumentType fresh;
    fresh.accept = DefaultAccept();
    return SendTypeForm(ctx, request, response, fresh, true, false, "", 200);
  }
  std::optional<int64_t> id = ParseId(id_text);
  if (!id) return crm::NotFound("no such document type");
  crm::Result<DocumentType> type = ctx.services.types().Get(*id);
  if (!type.ok()) return type.status();
  return SendTypeForm(ctx, request, response, *type, false, !type->fields.empty(), "", 200);
}

crm::Status HandleTypeSave(Context& ctx, crm::Request& request, crm::Response& response) {
  const std::string& lang = request.Caller().language;
  std::optional<int64_t> id;
  if (request.PathParam("type_id")) {
    id = ParseId(request.PathParam("type_id"));
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

// Swaps a type with its neighbour. Positions are renumbered 0..n-1 on the way, so
// types created with equal positions still move.
crm::Status HandleMove(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> id = ParseId(request.PathParam("type_id"));
  if (!id) return crm::NotFound("no such document type");
  const bool up = request.FormValue("direction").value_or("") == "up";
  crm::Result<std::vector<DocumentType>> types = ctx.services.types().List(true);
  if (!types.ok()) return types.status();
  std::vector<DocumentType>& list = *types;
  auto it = std::find_if(list.begin(), list.end(), [&](const DocumentType& t) { return t.id == *id; });
  if (it == list.end()) return crm::NotFound("no such document type");
  size_t index = static_cast<size_t>(it - list.begin());
  if (up && index > 0) std::swap(list[index], list[index - 1]);
  if (!up && index + 1 < list.size()) std::swap(list[index], list[index + 1]);
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].position == static_cast<int>(i)) continue;
    TypeDraft draft;
    draft.position = static_cast<int>(i);
    crm::Result<DocumentType> updated = ctx.services.types().Update(list[i].id, draft);
    if (!updated.ok()) return updated.status();
  }
  return response.Redirect(kSettingsPath + "?flash=type_moved");
}

crm::Status HandleActive(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> id = ParseId(request.PathParam("type_id"));
  if (!id) return crm::NotFound("no such document type");
  TypeDraft draft;
  draft.active = Checked(request, "active");
  crm::Result<DocumentType> updated = ctx.services.types().Update(*id, draft);
  if (!updated.ok()) return updated.status();
  return response.Redirect(kSettingsPath + (*draft.active ? "?flash=type_restored" : "?flash=type_archived"));
}

}  // namespace

crm::Status RegisterSettingsPage(crm::Registrar& registrar, const ContextPtr& ctx) {
  CRM_RETURN_IF_ERROR(registrar.SetSettingsPage(crm::SettingsPage{
      "client-documents.settings.title",
      [ctx](crm::Request& request) { return RenderSettings(*ctx, request); },
      [ctx](crm::Request& request) { return SaveSettings(*ctx, request); }}));

  const crm::Audience manager{crm::Audience::Kind::kAdmin, kPermSettings, ""};
  auto route = [&](const char* method, std::string pattern,
                   crm::Status (*handler)(Context&, crm::Request&, crm::Response&)) {
    return registrar.AddRoute(crm::Route{
        method, std::move(pattern), manager,
        [ctx, handler](crm::Request& rq, crm::Response& rs) { return handler(*ctx, rq, rs); },
        std::string_view(method) == "GET" ? 0u : 1u << 20});
  };
  CRM_RETURN_IF_ERROR(route("GET", kTypesPath + "/new", HandleTypeForm));
  CRM_RETURN_IF_ERROR(route("GET", kTypesPath + "/{type_id}", HandleTypeForm));
  CRM_RETURN_IF_ERROR(route("POST", kTypesPath, HandleTypeSave));
  CRM_RETURN_IF_ERROR(route("POST", kTypesPath + "/{type_id}", HandleTypeSave));
  CRM_RETURN_IF_ERROR(route("POST", kTypesPath + "/{type_id}/move", HandleMove));
  return route("POST", kTypesPath + "/{type_id}/active", HandleActive);
}

}  // namespace cd::hooks
