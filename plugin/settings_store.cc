// plugin/settings_store.cc — settings as key/value rows in cd_settings, and the intro's
// Markdown rendered by cmark-gfm in its safe mode (raw HTML and unsafe links dropped).
// The intro is one row per language: "intro_markdown" (English, and the single text of
// databases from before translations), "intro_markdown.fr", "intro_markdown.nl".
#include "plugin/settings_store.h"

#include <cstdlib>
#include <memory>

#include <cmark-gfm.h>

namespace cd {
namespace {

constexpr size_t kMaxIntroBytes = 64 * 1024;

// The firm's language is one of the module's; its name is plain text (pages escape it); its logo
// a URL an <img> may load: http(s) or a path of this site, without quotes, spaces or angle
// brackets.
crm::Status CheckBranding(const Settings& s) {
  if (s.firm_language != "en" && s.firm_language != "fr" && s.firm_language != "nl")
    return crm::Unprocessable("firm_language: en, fr or nl");
  if (s.firm_name.size() > 200) return crm::Unprocessable("firm_name: at most 200 bytes");
  for (char c : s.firm_name)
    if (static_cast<unsigned char>(c) < 0x20) return crm::Unprocessable("firm_name: one line");
  const std::string& u = s.firm_logo;
  if (u.empty()) return crm::Status::Ok();
  bool scheme = u.rfind("https://", 0) == 0 || u.rfind("http://", 0) == 0 ||
                (u.rfind("/", 0) == 0 && u.rfind("//", 0) != 0);
  if (!scheme || u.size() > 500 || u.find_first_of(" \t\r\n\"'<>\\") != std::string::npos)
    return crm::Unprocessable("firm_logo: an http(s) URL or a path starting with /");
  return crm::Status::Ok();
}

void ReadReminderSetting(std::string_view key, const std::string& value, ReminderSettings* r) {
  const int n = std::atoi(value.c_str());
  if (key == "reminders.enabled")
    r->enabled = value == "1";
  else if (key == "reminders.first_after_days")
    r->first_after_days = n;
  else if (key == "reminders.every_days")
    r->every_days = n;
  else if (key == "reminders.max")
    r->max = n;
}

}  // namespace

crm::Status CheckReminderSettings(const ReminderSettings& r) {
  if (r.first_after_days < 0 || r.first_after_days > kMaxReminderDays)
    return crm::Unprocessable("reminders.first_after_days: 0 to 365");
  if (r.every_days < 1 || r.every_days > kMaxReminderDays)
    return crm::Unprocessable("reminders.every_days: 1 to 365");
  if (r.max < 1 || r.max > kMaxReminderCount) return crm::Unprocessable("reminders.max: 1 to 20");
  return crm::Status::Ok();
}

std::string RenderMarkdownSafe(std::string_view markdown) {
  // CMARK_OPT_SAFE is the default of cmark-gfm (raw HTML becomes a comment, URLs with
  // javascript:/vbscript:/file:/data: schemes become empty); we pass it explicitly and
  // never CMARK_OPT_UNSAFE. Everything else cmark emits is escaped text.
  char* html = cmark_markdown_to_html(markdown.data(), markdown.size(),
                                      CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART);
  if (html == nullptr) return "";
  std::string out(html);
  std::free(html);
  return out;
}

SettingsStore::SettingsStore(crm::HostServices& host) : host_(host) {}

crm::Result<Settings> SettingsStore::Get() const {
  Settings s;
  CRM_ASSIGN_OR_RETURN(auto rows, host_.Db().QueryAll("SELECT key, value FROM cd_settings"));
  for (const crm::SqlRow& r : rows) {
    std::string key = r.Text(0);
    std::string value = r.Text(1);
    if (key == "show_menu_entry")
      s.show_menu_entry = value == "1";
    else if (key == "mandatory_gate")
      s.mandatory_gate = value == "1";
    else if (key == "intro_markdown")
      s.intro_markdown.en = value;  // English: also the text saved before translations
    else if (key == "intro_markdown.fr")
      s.intro_markdown.fr = value;
    else if (key == "intro_markdown.nl")
      s.intro_markdown.nl = value;
    else if (key == "notify_email")
      s.notify_email = value;
    else if (key == "firm_name")
      s.firm_name = value;
    else if (key == "firm_logo")
      s.firm_logo = value;
    else if (key == "firm_language")
      s.firm_language = value;
    else if (key.starts_with("reminders."))
      ReadReminderSetting(key, value, &s.reminders);
  }
  return s;
}

crm::Status SettingsStore::Save(const Settings& s) {
  for (const std::string* intro :
       {&s.intro_markdown.en, &s.intro_markdown.fr, &s.intro_markdown.nl})
    if (intro->size() > kMaxIntroBytes) return crm::Unprocessable("intro_markdown: at most 64 KiB");
  if (!s.notify_email.empty() &&
      (s.notify_email.size() > 254 || s.notify_email.find('@') == std::string::npos ||
       s.notify_email.find_first_of(" \t\r\n,;<>") != std::string::npos))
    return crm::Unprocessable("notify_email: one email address");
  CRM_RETURN_IF_ERROR(CheckBranding(s));
  CRM_RETURN_IF_ERROR(CheckReminderSettings(s.reminders));
  const ReminderSettings& r = s.reminders;
  return host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    const std::pair<const char*, std::string> values[] = {
        {"show_menu_entry", s.show_menu_entry ? "1" : "0"},
        {"mandatory_gate", s.mandatory_gate ? "1" : "0"},
        {"intro_markdown", s.intro_markdown.en},
        {"intro_markdown.fr", s.intro_markdown.fr},
        {"intro_markdown.nl", s.intro_markdown.nl},
        {"notify_email", s.notify_email},
        {"firm_name", s.firm_name},
        {"firm_logo", s.firm_logo},
        {"firm_language", s.firm_language},
        {"reminders.enabled", r.enabled ? "1" : "0"},
        {"reminders.first_after_days", std::to_string(r.first_after_days)},
        {"reminders.every_days", std::to_string(r.every_days)},
        {"reminders.max", std::to_string(r.max)}};
    for (const auto& [key, value] : values) {
      CRM_RETURN_IF_ERROR((tx.Exec("INSERT INTO cd_settings (key, value) VALUES (?, ?)"
                                   " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                   {std::string(key), value}))
                              .status());
    }
    return crm::Status::Ok();
  });
}

}  // namespace cd
