// sample-host/web/settings_pages.cc — adapters of settings_pages.h: the form, HostSettings, and the
// page again with its notice or, for a zone ICU does not know, the message in the reader's
// language with 422 (nothing stored).
#include "sample-host/web/settings_pages.h"

#include <string>

#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"
#include "sample-host/web/user_messages.h"

namespace host::web {
namespace {

using Layout = crm::PageReply::Layout;

// A few zones offered as suggestions; any IANA name ICU knows is accepted.
constexpr const char* kSuggestedZones[] = {
    "UTC",           "Europe/Brussels", "Europe/Paris",     "Europe/Amsterdam",
    "Europe/London", "Europe/Berlin",   "America/New_York", "America/Montreal",
};

crm::Status Show(const SettingsPageDeps& d, crm::Request& rq, crm::Response& rs,
                 const std::string& typed, const crm::Status& error) {
  PageContext page(d.registry, rq);
  TemplateData zones(TemplateData::type::list);
  for (const char* zone : kSuggestedZones) zones.push_back(TemplateData(std::string(zone)));
  TemplateData data;
  data.set("time_zone", typed.empty() ? d.settings.TimeZone() : typed);
  data.set("zones", zones);
  if (!error.ok()) data.set("error", UserMessage(page.texts(), error.message()));
  std::string notice = NoticeText(page.texts(), rq.Query("notice").value_or(""));
  if (!notice.empty()) data.set("notice", notice);
  return page.Send(rs, "host_settings", data, page.texts().Get("settings.title"), Layout::kAdmin,
                   error.ok() ? 200 : 422);
}

crm::Status Save(const SettingsPageDeps& d, crm::Request& rq, crm::Response& rs) {
  std::string zone = rq.FormValue("time_zone").value_or("");
  crm::Status saved = d.settings.SetTimeZone(zone);
  if (saved.ok()) return rs.Redirect("/admin/settings?notice=saved");
  if (saved.http_status() >= 500) return saved;
  return Show(d, rq, rs, zone, saved);
}

}  // namespace

crm::Status RegisterSettingsPages(crm::Registrar& registrar, const SettingsPageDeps& deps) {
  for (const char* method : {"GET", "POST"}) {
    crm::Route route;
    route.method = method;
    route.pattern = "/admin/settings";
    route.audience = AdminAudience("plugins.manage");
    const bool get = std::string(method) == "GET";
    route.handler = [deps, get](crm::Request& rq, crm::Response& rs) {
      return get ? Show(deps, rq, rs, "", crm::Status::Ok()) : Save(deps, rq, rs);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  crm::MenuFilter menu;
  menu.id = "settings";
  menu.area = crm::MenuArea::kAdmin;
  const HookRegistry& registry = deps.registry;
  menu.filter = [&registry](std::vector<crm::MenuItem> items, const crm::Principal& viewer) {
    if (viewer.HasPermission("plugins.manage")) {
      items.push_back({"host.settings", registry.Translate(viewer.language, "web.nav.settings"),
                       "/admin/settings", 92});
    }
    return items;
  };
  return registrar.AddMenuFilter(std::move(menu));
}

}  // namespace host::web
