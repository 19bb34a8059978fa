// hooks/settings_page.cc — CD4: the module's settings page (menu entry, intro text, gate) with
// the list of document types; the type pages behind its links are in type_pages.cc.
#include <optional>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/view.h"
#include "plugin/access.h"

namespace cd::hooks {

namespace {

std::optional<std::string_view> FlashKey(std::string_view code) {
  if (code == "type_saved") return "settings.type_saved";
  if (code == "type_archived") return "settings.type_archived";
  if (code == "type_restored") return "settings.type_restored";
  if (code == "type_moved") return "settings.type_moved";
  return std::nullopt;
}

crm::Result<std::string> RenderSettings(Context& ctx, crm::Request& request) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  CRM_ASSIGN_OR_RETURN(Settings settings, ctx.services.settings().Get());
  CRM_ASSIGN_OR_RETURN(std::vector<DocumentType> types, ctx.services.types().List(true));

  DataList rows;
  for (size_t i = 0; i < types.size(); ++i) {
    const DocumentType& type = (types)[i];
    const std::string url = kTypesPath + "/" + std::to_string(type.id);
    Data r;
    r.set("name", type.name.Get(lang));
    r.set("mode", ctx.texts.Get(lang, ModeKey(type.upload_mode)));
    std::string fields;
    for (const FieldDef& f : type.fields)
      fields += (fields.empty() ? "" : ", ") + f.label.Get(lang);
    r.set("fields", fields);
    r.set("kinds", KindList(type.accept));
    r.set("max_size", FormatSize(lang, type.max_size));
    r.set("max_files", std::to_string(type.max_files));
    r.set("active", type.active);
    r.set("edit_url", url);
    r.set("move_url", url + "/move");
    r.set("active_url", url + "/active");
    r.set("first", i == 0);
    r.set("last", i + 1 == types.size());
    rows.push_back(std::move(r));
  }
  Data data;
  data.set("action", kSettingsPath);
  data.set("csrf", caller.csrf_token);
  data.set("show_menu_entry", settings.show_menu_entry);
  data.set("mandatory_gate", settings.mandatory_gate);
  data.set("intro", settings.intro_markdown.en);
  data.set("notify_email", settings.notify_email);
  data.set("firm_name", settings.firm_name);
  data.set("firm_logo", settings.firm_logo);
  DataList languages;
  for (const char* l : {"en", "fr", "nl"}) {
    Data o;
    o.set("code", std::string(l));
    o.set("name", ctx.texts.Get(lang, std::string("settings.language_") + l));
    o.set("selected", settings.firm_language == l);
    languages.push_back(std::move(o));
  }
  data.set("firm_languages", languages);
  data.set("reminders_enabled", settings.reminders.enabled);
  data.set("reminders_first_after_days", std::to_string(settings.reminders.first_after_days));
  data.set("reminders_every_days", std::to_string(settings.reminders.every_days));
  data.set("reminders_max", std::to_string(settings.reminders.max));
  data.set("intro_fr", settings.intro_markdown.fr);
  data.set("intro_nl", settings.intro_markdown.nl);
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

// PT6's settings from the form; a form without them (an older page) keeps the stored ones.
// A number that is not one is kUnprocessable (the store checks the ranges).
crm::Status ReadReminderForm(crm::Request& request, ReminderSettings* r) {
  if (!request.FormValue("reminders_max")) return crm::Status::Ok();
  r->enabled = FormChecked(request, "reminders_enabled");
  for (auto [name, out] :
       {std::pair{"reminders_first_after_days", &r->first_after_days},
        std::pair{"reminders_every_days", &r->every_days}, std::pair{"reminders_max", &r->max}}) {
    std::string value(crm::text::TrimAll(request.FormValue(name).value_or("")));
    std::optional<int64_t> n =
        value == "0" ? std::optional<int64_t>(0) : crm::text::ParseId(std::string_view(value));
    if (!n || *n > kMaxReminderDays)
      return crm::Unprocessable(std::string(name).replace(9, 1, ".") + ": a whole number");
    *out = static_cast<int>(*n);
  }
  return crm::Status::Ok();
}

crm::Status SaveSettings(Context& ctx, crm::Request& request) {
  CRM_ASSIGN_OR_RETURN(Settings current, ctx.services.settings().Get());
  Settings settings = current;
  settings.show_menu_entry = FormChecked(request, "show_menu_entry");
  settings.mandatory_gate = FormChecked(request, "mandatory_gate");
  // A form without the field (an older page) keeps the stored address.
  if (std::optional<std::string> email = request.FormValue("notify_email"))
    settings.notify_email = std::string(crm::text::TrimAll(*email));
  if (std::optional<std::string> name = request.FormValue("firm_name"))
    settings.firm_name = std::string(crm::text::TrimAll(*name));
  if (std::optional<std::string> logo = request.FormValue("firm_logo"))
    settings.firm_logo = std::string(crm::text::TrimAll(*logo));
  if (std::optional<std::string> language = request.FormValue("firm_language"))
    settings.firm_language = *language;
  CRM_RETURN_IF_ERROR(ReadReminderForm(request, &settings.reminders));
  // English (the default language) in "intro", translations under it; a translation
  // absent from the form is kept, an empty one is cleared (the English text shows).
  settings.intro_markdown.en = request.FormValue("intro").value_or("");
  for (std::string_view lang : {"fr", "nl"}) {
    if (std::optional<std::string> text = request.FormValue("intro_" + std::string(lang)))
      settings.intro_markdown.Set(lang, *text);
  }
  return ctx.services.settings().Save(settings);
}

}  // namespace

crm::Status RegisterSettingsPage(crm::Registrar& registrar, const ContextPtr& ctx) {
  return registrar.SetSettingsPage(
      crm::SettingsPage{"client-documents.settings.title",
                        [ctx](crm::Request& request) { return RenderSettings(*ctx, request); },
                        [ctx](crm::Request& request) { return SaveSettings(*ctx, request); }});
}

}  // namespace cd::hooks
