// sample-host/web/page_support.cc — shared plumbing of the page handlers (see page_support.h).
// Keeps the CSRF token and translations in every template so that no form can forget them.
#include "sample-host/web/page_support.h"

#include <array>

namespace host::web {

Texts TextsFor(const HookRegistry& registry, std::string_view language) {
  const HookRegistry* r = &registry;
  return Texts([r](std::string_view lang, std::string_view key) { return r->Translate(lang, key); },
               std::string(language));
}

PageContext::PageContext(const HookRegistry& registry, const crm::Request& request)
    : texts_(TextsFor(registry, request.Caller().language)), viewer_(request.Caller()) {}

crm::Result<std::string> PageContext::Render(std::string_view name, TemplateData data) const {
  data.set("t", texts_.Data());
  data.set("csrf", viewer_.csrf_token);
  data.set("lang", texts_.language());
  return RenderTemplate(name, data);
}

crm::Status PageContext::Send(crm::Response& response, std::string_view name, TemplateData data,
                              std::string title, crm::PageReply::Layout layout, int status) const {
  crm::Result<std::string> body = Render(name, std::move(data));
  if (!body.ok()) return body.status();
  crm::PageReply page;
  page.layout = layout;
  page.title = std::move(title);
  page.body_html = std::move(body).value();
  page.status = status;
  return response.SendPage(page);
}

std::optional<std::string> CookieValue(const crm::Request& request, std::string_view name) {
  std::optional<std::string> header = request.Header("Cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::string NoticeText(const Texts& texts, std::string_view code) {
  static constexpr std::array<std::string_view, 19> kKnown = {"saved",
                                                              "created",
                                                              "deleted",
                                                              "login_enabled",
                                                              "login_disabled",
                                                              "password_set",
                                                              "password_sent",
                                                              "confirmation_sent",
                                                              "note_added",
                                                              "settings_saved",
                                                              "logged_out",
                                                              "imported",
                                                              "confirmation_resent",
                                                              "reset_sent",
                                                              "password_reset",
                                                              "password_changed",
                                                              "email_changed",
                                                              "action_added",
                                                              "action_deleted"};
  for (std::string_view known : kKnown) {
    if (code == known) return texts.Get("notice." + std::string(code));
  }
  return "";
}

}  // namespace host::web
