// sample-host/web/newsletter_pages.cc — adapters from the newsletter's forms to NewsletterStore,
// registered from one table; refusals are shown on the page in the reader's language.
#include "sample-host/web/newsletter_pages.h"

#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"

namespace host::web {
namespace {

using Layout = crm::PageReply::Layout;
using Deps = NewsletterPageDeps;

crm::Status ShowLists(const Deps& d, crm::Request& rq, crm::Response& rs, std::string error,
                      int status) {
  PageContext page(d.registry, rq);
  const Texts& texts = page.texts();
  CRM_ASSIGN_OR_RETURN(std::vector<NewsletterList> lists, d.newsletter.List());
  TemplateData rows(TemplateData::type::list);
  for (const NewsletterList& l : lists) {
    TemplateData row;
    row.set("id", std::to_string(l.id));
    row.set("name", l.name);
    row.set("subscribers", std::to_string(l.subscribers));
    row.set("clients_href", "/admin/clients?filter%5Bnewsletter_list%5D=" + PercentEncode(l.name));
    rows.push_back(row);
  }
  TemplateData data;
  data.set("lists", rows);
  data.set("empty", lists.empty());
  data.set("can_write", rq.Caller().HasPermission("clients.write"));
  if (!error.empty()) data.set("error", error);
  std::string notice = NoticeText(texts, rq.Query("notice").value_or(""));
  if (!notice.empty()) data.set("notice", notice);
  return page.Send(rs, "newsletter_lists", data, texts.Get("newsletter.title"), Layout::kAdmin,
                   status);
}

// After a change: back to the page with a notice, or the page again with the refusal.
crm::Status Done(const Deps& d, crm::Request& rq, crm::Response& rs, const crm::Status& s) {
  if (s.ok()) return rs.Redirect("/admin/newsletter-lists?notice=saved");
  if (s.http_status() >= 500) return s;
  return ShowLists(d, rq, rs, s.message(), s.code() == crm::StatusCode::kNotFound ? 404 : 422);
}

crm::Status HandleShow(const Deps& d, crm::Request& rq, crm::Response& rs) {
  return ShowLists(d, rq, rs, "", 200);
}

crm::Status HandleCreate(const Deps& d, crm::Request& rq, crm::Response& rs) {
  return Done(d, rq, rs, d.newsletter.Create(rq.FormValue("name").value_or("")).status());
}

crm::Status HandleRename(const Deps& d, crm::Request& rq, crm::Response& rs) {
  std::optional<int64_t> id = ParseId(rq.PathParam("id"));
  if (!id) return crm::NotFound("no such list");
  return Done(d, rq, rs, d.newsletter.Rename(*id, rq.FormValue("name").value_or("")));
}

crm::Status HandleDelete(const Deps& d, crm::Request& rq, crm::Response& rs) {
  std::optional<int64_t> id = ParseId(rq.PathParam("id"));
  if (!id) return crm::NotFound("no such list");
  return Done(d, rq, rs, d.newsletter.Delete(*id));
}

// GET never unsubscribes (mail scanners follow links); POST does.
crm::Status HandleUnsubscribe(const Deps& d, crm::Request& rq, crm::Response& rs) {
  PageContext page(d.registry, rq);
  const Texts& texts = page.texts();
  bool post = rq.Method() == "POST";
  std::string token = post ? rq.FormValue("token").value_or("") : rq.Query("token").value_or("");
  auto client = post ? d.newsletter.UnsubscribeWithToken(token) : d.newsletter.ClientOfToken(token);
  if (!client.ok() && client.status().code() != crm::StatusCode::kNotFound) {
    return client.status();
  }
  TemplateData data;
  data.set("token", token);
  data.set("unknown", !client.ok());
  data.set("done", client.ok() && post);
  data.set("ask", client.ok() && !post);
  return page.Send(rs, "newsletter_unsubscribe", data, texts.Get("newsletter.unsubscribe_title"),
                   Layout::kBare, client.ok() ? 200 : 404);
}

struct PageRoute {
  const char* method;
  const char* pattern;
  const char* permission;  // nullptr: public
  crm::Status (*handler)(const Deps&, crm::Request&, crm::Response&);
};

constexpr PageRoute kPages[] = {
    {"GET", "/admin/newsletter-lists", "clients.read", HandleShow},
    {"POST", "/admin/newsletter-lists", "clients.write", HandleCreate},
    {"POST", "/admin/newsletter-lists/{id}", "clients.write", HandleRename},
    {"POST", "/admin/newsletter-lists/{id}/delete", "clients.write", HandleDelete},
    {"GET", "/newsletter/unsubscribe", nullptr, HandleUnsubscribe},
    {"POST", "/newsletter/unsubscribe", nullptr, HandleUnsubscribe},
};

}  // namespace

crm::Status RegisterNewsletterPages(crm::Registrar& registrar, const NewsletterPageDeps& deps) {
  for (const PageRoute& p : kPages) {
    crm::Route route;
    route.method = p.method;
    route.pattern = p.pattern;
    if (p.permission != nullptr) route.audience = AdminAudience(p.permission);
    auto handler = p.handler;
    route.handler = [deps, handler](crm::Request& rq, crm::Response& rs) {
      return handler(deps, rq, rs);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  crm::MenuFilter menu;
  menu.id = "newsletter";
  menu.area = crm::MenuArea::kAdmin;
  const HookRegistry& registry = deps.registry;
  menu.filter = [&registry](std::vector<crm::MenuItem> items, const crm::Principal& viewer) {
    if (viewer.HasPermission("clients.read")) {
      items.push_back({"host.newsletter", registry.Translate(viewer.language, "web.nav.newsletter"),
                       "/admin/newsletter-lists", 30});
    }
    return items;
  };
  return registrar.AddMenuFilter(std::move(menu));
}

}  // namespace host::web
