// sample-host/web/account_pages.cc — the reserved area's own pages (SPEC H5): the home page with
// the menu as cards (host and plugin entries) and the client's profile, read-only.
#include <algorithm>
#include <exception>

#include "sample-host/core/plugin_call.h"
#include "sample-host/web/html.h"
#include "sample-host/web/page_renderer.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"

namespace host::web {
namespace {

using Layout = crm::PageReply::Layout;

// The plugins' sections of the home (host API 1.5), in priority order. A section that fails or
// throws is logged and left out: the client still gets the home page.
TemplateData HomeSections(const DepsPtr& deps, const crm::Principal& viewer,
                          std::string_view language) {
  TemplateData sections(TemplateData::type::list);
  for (const auto& section : deps->registry.account_home_sections()) {
    const std::string what = "account home section " + section.owner + "." + section.hook.id;
    crm::Result<std::string> html =
        CallPlugin(deps->logger, what, [&] { return section.hook.render(viewer, language); });
    if (!html.ok()) {
      deps->logger.Error("plugin", what + " failed: " + html.status().ToString());
      continue;
    }
    if (html->empty()) continue;
    TemplateData item;
    item.set("id", section.owner + "." + section.hook.id);
    item.set("html", *html);
    sections.push_back(item);
  }
  return sections;
}

crm::Status ShowHome(const DepsPtr& deps, crm::Request& request, crm::Response& response) {
  PageContext page(deps->registry, request);
  const Texts& texts = page.texts();
  const crm::Principal& viewer = request.Caller();
  std::vector<crm::MenuItem> base = BaseMenu(crm::MenuArea::kAccount, texts);
  // A plugin's menu filter failed: the host's own menu still lets the client work.
  crm::Result<std::vector<crm::MenuItem>> built =
      CallPlugin(deps->logger, "account menu filter",
                 [&] { return deps->registry.BuildMenu(crm::MenuArea::kAccount, base, viewer); });
  std::vector<crm::MenuItem> items = built.ok() ? std::move(built).value() : base;
  std::stable_sort(items.begin(), items.end(), [](const crm::MenuItem& a, const crm::MenuItem& b) {
    return a.order < b.order;
  });
  TemplateData cards(TemplateData::type::list);
  for (const crm::MenuItem& item : items) {
    if (item.path == "/account" || !IsSafeLocalPath(item.path)) continue;
    TemplateData card;
    card.set("label", item.label);
    card.set("path", item.path);
    cards.push_back(card);
  }
  TemplateData data;
  std::string name = viewer.display_name.empty() ? viewer.email : viewer.display_name;
  data.set("welcome", texts.Format("account.welcome", {{"name", name}}));
  data.set("cards", cards);
  data.set("sections", HomeSections(deps, viewer, texts.language()));
  return page.Send(response, "account_home", data, texts.Get("account.home_title"),
                   Layout::kAccount);
}

crm::Status ShowProfile(const DepsPtr& deps, crm::Request& request, crm::Response& response) {
  const crm::Principal& viewer = request.Caller();
  // The client id comes from the session only, never from the URL.
  crm::Result<Client> client = deps->clients.Get(viewer.client_id);
  if (!client.ok()) return client.status();
  PageContext page(deps->registry, request);
  const Texts& texts = page.texts();
  const Client& c = client.value();
  auto row = [&](std::string_view key, const std::string& value) {
    TemplateData item;
    item.set("label", texts.Get("client." + std::string(key)));
    item.set("value", value.empty() ? std::string("—") : value);
    return item;
  };
  auto section = [&](std::string_view id, std::vector<TemplateData> rows) {
    TemplateData s;
    s.set("title", texts.Get("profile.section." + std::string(id)));
    TemplateData list(TemplateData::type::list);
    for (auto& r : rows) list.push_back(r);
    s.set("rows", list);
    return s;
  };
  TemplateData sections(TemplateData::type::list);
  sections.push_back(section(
      "personal",
      {row("first_name", c.first_name), row("last_name", c.last_name),
       row("birth_date", c.birth_date), row("language", std::string(LanguageName(c.language)))}));
  sections.push_back(section("contact", {row("email", c.email), row("phone", c.phone),
                                         row("mobile", c.mobile), row("website", c.website)}));
  sections.push_back(
      section("address", {row("street", c.address.street),
                          row("postal_code", c.address.postal_code), row("city", c.address.city),
                          row("region", c.address.region), row("country", c.address.country)}));
  if (!c.company.empty() || !c.vat_number.empty()) {
    sections.push_back(section(
        "billing",
        {row("company", c.company), row("vat_number", c.vat_number), row("tax_code", c.tax_code)}));
  }
  TemplateData data;
  data.set("sections", sections);
  return page.Send(response, "account_profile", data, texts.Get("account.profile_title"),
                   Layout::kAccount);
}

}  // namespace

crm::Status RegisterAccountPages(crm::Registrar& registrar, DepsPtr deps) {
  crm::Route home;
  home.method = "GET";
  // Route patterns have no empty segments, so the home page is "/account" (no trailing slash).
  home.pattern = "/account";
  home.audience = ClientAudience();
  home.handler = [deps](crm::Request& rq, crm::Response& rs) { return ShowHome(deps, rq, rs); };
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(home)));

  crm::Route profile;
  profile.method = "GET";
  profile.pattern = "/account/profile";
  profile.audience = ClientAudience();
  profile.handler = [deps](crm::Request& rq, crm::Response& rs) {
    return ShowProfile(deps, rq, rs);
  };
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(profile)));
  return crm::Status::Ok();
}

}  // namespace host::web
