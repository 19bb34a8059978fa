// plugin/settings_store.h — the module's settings (CD4) in cd_settings, and the safe Markdown
// rendering of the client-area intro (no raw HTML, no javascript: links reach the page).
#pragma once

#include <string>
#include <string_view>

#include "host-api/services.h"
#include "host-api/status.h"
#include "plugin/model.h"

namespace cd {

// HTML for the intro text: CommonMark + GFM tables/strikethrough/autolinks rendered
// with raw HTML suppressed and unsafe URLs (javascript:, vbscript:, file:, data: other
// than images) dropped. Safe to insert in a page unescaped.
std::string RenderMarkdownSafe(std::string_view markdown);

// The reminders' limits (model.h ReminderSettings): kUnprocessable "reminders.<key>: <range>".
crm::Status CheckReminderSettings(const ReminderSettings& reminders);

// Thread-safe.
class SettingsStore {
 public:
  explicit SettingsStore(crm::HostServices& host);

  // The stored settings, defaults for those never saved.
  crm::Result<Settings> Get() const;
  // Saves them all; kUnprocessable when the intro of a language is longer than 64 KiB, the
  // address is not one address, or a reminder setting is out of range (nothing saved).
  crm::Status Save(const Settings& settings);

 private:
  crm::HostServices& host_;
};

}  // namespace cd
