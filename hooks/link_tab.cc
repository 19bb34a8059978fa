// hooks/link_tab.cc — PT1, PT2 for staff: the "Links" tab of the admin client profile (the
// client's links: sent to whom, created, expires, uses, last used, revoke) and its form to mint
// a link, whose URL is shown once (and mailed to the contact when asked). Adapters over
// plugin/links/links.h.
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/page_routes.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/links/links.h"
#include "plugin/portal/use_cases.h"

namespace cd::hooks {
namespace {

constexpr char kLinksTab[] = "links";

std::string TabPath(int64_t client_id) {
  return "/admin/clients/" + std::to_string(client_id) + "/tabs/" + kLinksTab;
}
std::string LinksBase(int64_t client_id) {
  return std::string(kAdminPrefix) + "/clients/" + std::to_string(client_id) + "/links";
}

Data LinkRow(Context& ctx, const std::string& lang, const Link& link, int64_t now) {
  const LinkGrant& g = link.grant;
  Data d;
  d.set("id", std::to_string(g.link_id));
  d.set("contact",
        g.contact_name.empty() && g.contact_email.empty()
            ? ctx.texts.Get(lang, "links.no_contact")
            : g.contact_name + (g.contact_email.empty() ? "" : " <" + g.contact_email + ">"));
  d.set("scope", ctx.texts.Get(lang, "links.scope_" + g.scope));
  std::string rights;
  for (const std::string& r : g.rights)
    rights += (rights.empty() ? "" : ", ") + ctx.texts.Get(lang, "links.right_" + r);
  d.set("rights", rights);
  d.set("created", FormatDateTime(ctx.host, lang, link.created_at));
  d.set("expires", FormatDateTime(ctx.host, lang, link.expires_at));
  d.set("uses", std::to_string(link.uses) +
                    (link.max_uses ? " / " + std::to_string(*link.max_uses) : std::string()));
  d.set("last_used", link.last_used_at ? FormatDateTime(ctx.host, lang, *link.last_used_at)
                                       : ctx.texts.Get(lang, "links.never"));
  d.set("active", link.UsableAt(now));
  d.set("state", ctx.texts.Get(lang, link.revoked_at          ? "links.state_revoked"
                                     : now >= link.expires_at ? "links.state_expired"
                                     : !link.UsableAt(now)    ? "links.state_used_up"
                                                              : "links.state_active"));
  d.set("revoke_url", LinksBase(g.client_id) + "/" + std::to_string(g.link_id) + "/revoke");
  return d;
}

crm::Result<std::string> RenderTab(Context& ctx, const crm::ClientInfo& client,
                                   crm::Request& request) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  CRM_ASSIGN_OR_RETURN(std::vector<Link> links, ListLinks(ctx.services, caller, client.id));
  const int64_t now = ctx.host.NowUnix();
  DataList rows;
  for (const Link& link : links) rows.push_back(LinkRow(ctx, lang, link, now));
  CRM_ASSIGN_OR_RETURN(std::vector<DocumentType> types, ctx.services.types().List(false));
  DataList type_options;
  for (const DocumentType& t : types) {
    Data o;
    o.set("id", std::to_string(t.id));
    o.set("name", t.name.Get(lang));
    type_options.push_back(std::move(o));
  }
  CRM_ASSIGN_OR_RETURN(std::vector<Project> projects,
                       ListProjects(ctx.services, caller, client.id));
  DataList project_options;
  for (const Project& p : projects) {
    Data o;
    o.set("id", std::to_string(p.id));
    o.set("name", p.name + (p.reference.empty() ? "" : " (" + p.reference + ")"));
    project_options.push_back(std::move(o));
  }
  Data data;
  data.set("links", rows);
  data.set("projects", project_options);
  data.set("has_projects", !project_options.empty());
  data.set("has_links", !rows.empty());
  data.set("types", type_options);
  data.set("can_write", caller.HasPermission(kPermWrite));
  data.set("create_url", LinksBase(client.id));
  data.set("csrf", caller.csrf_token);
  data.set("client_email", client.email);
  data.set("client_name", client.DisplayName());
  data.set("revoked", request.Query("revoked").has_value());
  return Render(ctx, "link_tab", lang, std::move(data));
}

// The tab's form as a LinkRequest (the same checks as the API's JSON, in CreateLink).
LinkRequest FormRequest(const crm::Request& request) {
  LinkRequest r;
  r.scope = request.FormValue("scope").value_or("space");
  r.type_id = crm::text::ParseId(request.FormValue("type_id")).value_or(0);
  r.project_id = crm::text::ParseId(request.FormValue("project_id")).value_or(0);
  for (const char* right : kLinkRights)
    if (FormChecked(request, std::string("right_") + right)) r.rights.emplace_back(right);
  r.expires_in_days = crm::text::ParseId(request.FormValue("expires_in_days")).value_or(0);
  std::string max_uses(crm::text::Trim(request.FormValue("max_uses").value_or("")));
  if (!max_uses.empty()) r.max_uses = crm::text::ParseId(std::string_view(max_uses)).value_or(0);
  r.contact_name = request.FormValue("contact_name").value_or("");
  r.contact_email = request.FormValue("contact_email").value_or("");
  return r;
}

// The mail that carries a new link to its contact, in the link's language.
crm::Status MailLink(Context& ctx, const MintedLink& minted) {
  const LinkGrant& g = minted.link.grant;
  const std::string& lang = g.language;
  std::string text =
      ctx.texts.Format(lang, "links.greeting", {{"name", g.contact_name}}) + "\n\n" +
      ctx.texts.Get(lang, "links.mail_intro") + "\n\n" + minted.url + "\n\n" +
      ctx.texts.Format(lang, "links.mail_expires",
                       {{"date", FormatDateTime(ctx.host, lang, minted.link.expires_at)}}) +
      "\n";
  return ctx.host.SendMail({g.contact_email, ctx.texts.Get(lang, "links.mail_subject"), text});
}

// POST …/clients/{client_id}/links: mints the link and shows its URL once.
crm::Status CreateFromTab(Context& ctx, crm::Request& request, crm::Response& response) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  std::optional<int64_t> client_id = crm::text::ParseId(request.PathParam("client_id"));
  if (!client_id) return crm::NotFound("no such client");
  crm::Result<MintedLink> minted =
      CreateLink(ctx.services, caller, *client_id, FormRequest(request));
  Data data;
  data.set("back_url", TabPath(*client_id));
  data.set("ok", minted.ok());
  if (!minted.ok()) {
    data.set("error", minted.status().code() == crm::StatusCode::kUnprocessable
                          ? minted.status().message()
                          : ErrorText(ctx, lang, minted.status(), nullptr));
  } else {
    data.set("url", minted->url);
    const bool mail =
        FormChecked(request, "send_mail") && !minted->link.grant.contact_email.empty();
    data.set("mailed", mail && MailLink(ctx, *minted).ok());
    data.set("mail_to", minted->link.grant.contact_email);
  }
  CRM_ASSIGN_OR_RETURN(std::string body, Render(ctx, "link_created", lang, std::move(data)));
  return response.SendPage(crm::PageReply{crm::PageReply::Layout::kAdmin,
                                          ctx.texts.Get(lang, "links.tab_title"), std::move(body),
                                          minted.ok() ? 201 : minted.status().http_status()});
}

// POST …/clients/{client_id}/links/{id}/revoke.
crm::Status RevokeFromTab(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> client_id = crm::text::ParseId(request.PathParam("client_id"));
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("id"));
  if (!client_id || !id) return crm::NotFound("no such link");
  CRM_RETURN_IF_ERROR(RevokeLink(ctx.services, request.Caller(), *client_id, *id));
  return response.Redirect(TabPath(*client_id) + "?revoked=1");
}

}  // namespace

crm::Status RegisterLinkTab(crm::Registrar& registrar, const ContextPtr& ctx) {
  CRM_RETURN_IF_ERROR(registrar.AddProfileTab(
      crm::ProfileTab{kLinksTab, "client-documents.links.tab_title", kPermRead,
                      [ctx](const crm::ClientInfo& client, crm::Request& request) {
                        return RenderTab(*ctx, client, request);
                      },
                      crm::kDefaultPriority + 1}));
  const crm::Audience writer{crm::Audience::Kind::kAdmin, kPermWrite, ""};
  const std::string links = std::string(kAdminPrefix) + "/clients/{client_id}/links";
  return AddPageRoutes(registrar, ctx,
                       {
                           {"POST", links, writer, 1 << 16, CreateFromTab},
                           {"POST", links + "/{id}/revoke", writer, 1 << 16, RevokeFromTab},
                       });
}

}  // namespace cd::hooks
