// sample-host/web/page_support.h — what every page handler shares: the viewer's texts, the base
// template data (translations, CSRF token), sending a fragment in a layout, cookies and notices.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "host-api/http.h"
#include "host-api/status.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/web/templates.h"
#include "sample-host/web/translations.h"

namespace host::web {

// Texts of `language` looked up through the registry.
Texts TextsFor(const HookRegistry& registry, std::string_view language);

// One page being built for one request. Not thread-safe; lives for the handler call.
class PageContext {
 public:
  PageContext(const HookRegistry& registry, const crm::Request& request);

  const Texts& texts() const { return texts_; }
  const crm::Principal& viewer() const { return viewer_; }

  // Renders templates/<name> with `data` plus `t` (texts), `csrf` and `lang`, and sends
  // it in `layout`. A template error becomes kInternal (nothing sent).
  crm::Status Send(crm::Response& response, std::string_view name, TemplateData data,
                   std::string title, crm::PageReply::Layout layout, int status = 200) const;
  // Just the fragment (tests, and pages that combine fragments).
  crm::Result<std::string> Render(std::string_view name, TemplateData data) const;

 private:
  Texts texts_;
  const crm::Principal& viewer_;
};

// The value of cookie `name` from the Cookie header, or nullopt.
std::optional<std::string> CookieValue(const crm::Request& request, std::string_view name);

// The translated text of a notice code carried in `?notice=` after a redirect. Only known
// codes are shown (never free text from the URL); empty for anything else.
std::string NoticeText(const Texts& texts, std::string_view code);

}  // namespace host::web
