// hooks/portal_pages.cc — the portal's pages (issue 12, PT8): the client's "Shared with me"
// (/account/shared: by project, categories grouped, status badges, view / download / comment /
// approve or refuse / supporting file; a file's "view" page, shared_view.h), its menu entry, and
// the staff's "Portal" tab with the admin routes behind its forms. Every action is a use case of
// plugin/portal/use_cases.h; the client area's forms post to the routes of
// plugin/portal/api_routes.h.
#include <optional>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/page_routes.h"
#include "hooks/shared_view.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/portal/api_routes.h"
#include "plugin/portal/export.h"
#include "plugin/portal/use_cases.h"

namespace cd::hooks {
namespace {

using crm::text::EscapeHtml;
constexpr const char* kCategories[] = {"quote", "order", "invoice", "report", "other"};

std::string T(const Context& ctx, std::string_view lang, const std::string& key) {
  return PortalText(ctx, lang, key);
}

std::string AdminBase(int64_t client_id) {
  return std::string(kAdminPrefix) + "/clients/" + std::to_string(client_id) + "/portal";
}
std::string TabPath(int64_t client_id) {
  return "/admin/clients/" + std::to_string(client_id) + "/tabs/portal";
}

// ---- The client's page ------------------------------------------------------------------

crm::Status ClientPage(Context& ctx, crm::Request& req, crm::Response& res) {
  const crm::Principal& who = req.Caller();
  CRM_ASSIGN_OR_RETURN(auto projects, ListProjects(ctx.services, who, who.client_id));
  CRM_ASSIGN_OR_RETURN(auto shared, ListShared(ctx.services, who, who.client_id, std::nullopt));
  std::string body = "<link rel=\"stylesheet\" href=\"" + std::string(kAssetPrefix) +
                     "/documents.css\"><div class=\"cd-area cd-portal\">" + Branding(ctx) +
                     SharedNotice(ctx, who.language, req);
  if (shared.empty()) body += "<p class=\"cd-empty\">" + T(ctx, who.language, "empty") + "</p>";
  SharedActions actions;
  actions.base = kAccountSharedPage;
  actions.csrf = who.csrf_token;
  actions.decide = actions.upload = actions.comment = true;
  actions.view_route = true;
  body += SharedSections(ctx, who, projects, shared, actions) + "</div>";
  return res.SendPage(crm::PageReply{crm::PageReply::Layout::kAccount,
                                     ctx.texts.Get(who.language, "portal.title"), body, 200});
}

// GET /account/shared/{id}/view/{file_id}: the file shown in a page, with its download link
// (the client may download what is shared with them).
crm::Status ClientView(Context& ctx, crm::Request& req, crm::Response& res) {
  const crm::Principal& who = req.Caller();
  std::optional<int64_t> id = crm::text::ParseId(req.PathParam("id"));
  std::optional<int64_t> file_id = crm::text::ParseId(req.PathParam("file_id"));
  if (!id || !file_id) return crm::NotFound("no such file");
  CRM_ASSIGN_OR_RETURN(SharedFileView view,
                       ViewSharedFile(ctx.services, who, who.client_id, *id, *file_id));
  const std::string doc = std::string(kAccountSharedPage) + "/" + std::to_string(*id);
  FileViewLinks links;
  links.back = kAccountSharedPage;
  links.pages = doc + "/view/" + std::to_string(*file_id) + "/pages";
  links.download = doc + "/files/" + std::to_string(*file_id);
  res.SetHeader("Cache-Control", "no-store");
  return res.SendPage(crm::PageReply{
      crm::PageReply::Layout::kAccount, ctx.texts.Get(who.language, "portal.title"),
      SharedFileViewHtml(ctx, who.language, view, links), FileViewStatus(view.shown)});
}

// GET /account/shared/{id}/view/{file_id}/pages/{n}: one picture of that page.
crm::Status ClientViewPage(Context& ctx, crm::Request& req, crm::Response& res) {
  const crm::Principal& who = req.Caller();
  std::optional<int64_t> id = crm::text::ParseId(req.PathParam("id"));
  std::optional<int64_t> file_id = crm::text::ParseId(req.PathParam("file_id"));
  std::optional<int64_t> n = crm::text::ParseId(req.PathParam("n"));
  if (!id || !file_id || !n || *n > kMaxShownPages) return crm::NotFound("no such page");
  CRM_ASSIGN_OR_RETURN(PagePicture picture, SharedFilePage(ctx.services, who, who.client_id, *id,
                                                           *file_id, static_cast<int>(*n)));
  return SendPagePicture(res, picture);
}

// ---- The staff's tab -------------------------------------------------------------------

std::string ShareForm(const Context& ctx, const crm::Principal& who, int64_t client_id,
                      const std::vector<Project>& projects) {
  const std::string& lang = who.language;
  std::string cats, projs = "<option value=\"\">" + T(ctx, lang, "no_project") + "</option>";
  for (const char* c : kCategories)
    cats += "<option value=\"" + std::string(c) + "\">" +
            T(ctx, lang, std::string("category_") + c) + "</option>";
  for (const Project& p : projects)
    projs += "<option value=\"" + std::to_string(p.id) + "\">" + EscapeHtml(p.name) + "</option>";
  auto field = [&](const std::string& key, const std::string& input) {
    return "<label class=\"cd-field\"><span>" + T(ctx, lang, key) + "</span>" + input + "</label>";
  };
  return "<h3>" + T(ctx, lang, "share") + "</h3>" +
         PostForm(
             AdminBase(client_id) + "/shared", who.csrf_token,
             field("title_field", "<input name=\"title\" required maxlength=\"200\">") +
                 field("category", "<select name=\"category\">" + cats + "</select>") +
                 field("project", "<select name=\"project_id\">" + projs + "</select>") +
                 field("due_on", "<input type=\"date\" name=\"due_on\">") +
                 field("amount_due", "<input name=\"amount_due\" inputmode=\"decimal\">") +
                 field("decision_required",
                       "<select name=\"decision\"><option value=\"none\">" +
                           T(ctx, lang, "decision_none") + "</option><option value=\"required\">" +
                           T(ctx, lang, "decision_required") + "</option></select>") +
                 field("file", "<input type=\"file\" name=\"file\" required>") +
                 "<button class=\"cd-button\">" + T(ctx, lang, "share") + "</button>",
             true);
}

std::string StaffDocument(Context& ctx, const crm::Principal& who, const SharedDocument& d) {
  const std::string& lang = who.language;
  const std::string base = AdminBase(d.client_id) + "/shared";
  const std::string id = std::to_string(d.id);
  SharedActions files;
  files.base = base;
  std::string html = "<li class=\"cd-document\" id=\"cd-shared-" + id + "\"><h4>" +
                     EscapeHtml(d.title) + " <small>" + T(ctx, lang, "category_" + d.category) +
                     "</small></h4>" + SharedFacts(ctx, lang, d) +
                     SharedFileLinks(ctx, lang, d, files) + SharedCommentsHtml(ctx, who, d);
  if (!who.HasPermission(kPermWrite)) return html + "</li>";
  if (d.category == "invoice" && d.still_due_cents.value_or(0) > 0)
    html += PostForm(base + "/" + id + "/payments", who.csrf_token,
                     "<label class=\"cd-field\"><span>" + T(ctx, lang, "amount") +
                         "</span><input name=\"amount\" required inputmode=\"decimal\"></label>"
                         "<label class=\"cd-field\"><span>" +
                         T(ctx, lang, "paid_on") +
                         "</span><input type=\"date\" name=\"paid_on\"></label><button "
                         "class=\"cd-button cd-button-secondary\">" +
                         T(ctx, lang, "record_payment") + "</button>");
  html += PostForm(
      base + "/" + id + "/delete", who.csrf_token,
      "<button class=\"cd-button cd-button-danger\">" + T(ctx, lang, "delete") + "</button>");
  return html + "</li>";
}

crm::Result<std::string> RenderPortalTab(Context& ctx, const crm::ClientInfo& client,
                                         crm::Request& req) {
  const crm::Principal& who = req.Caller();
  const std::string& lang = who.language;
  CRM_ASSIGN_OR_RETURN(auto projects, ListProjects(ctx.services, who, client.id));
  CRM_ASSIGN_OR_RETURN(auto shared, ListShared(ctx.services, who, client.id, std::nullopt));
  std::string html = "<div class=\"cd-portal-tab\">" + SharedNotice(ctx, lang, req) +
                     "<p><a class=\"cd-button\" href=\"" + EscapeHtml(AdminBase(client.id)) +
                     "/export\">" + T(ctx, lang, "export") + "</a></p><h3>" +
                     T(ctx, lang, "projects") + "</h3><ul>";
  for (const Project& p : projects)
    html += "<li>" + EscapeHtml(p.name) +
            (p.reference.empty() ? "" : " (" + EscapeHtml(p.reference) + ")") + " — " +
            T(ctx, lang, "project_" + p.status) + "</li>";
  html += "</ul>";
  if (who.HasPermission(kPermWrite))
    html += PostForm(AdminBase(client.id) + "/projects", who.csrf_token,
                     "<label class=\"cd-field\"><span>" + T(ctx, lang, "name") +
                         "</span><input name=\"name\" required maxlength=\"200\"></label><label "
                         "class=\"cd-field\"><span>" +
                         T(ctx, lang, "reference") +
                         "</span><input name=\"reference\" maxlength=\"100\"></label><button "
                         "class=\"cd-button cd-button-secondary\">" +
                         T(ctx, lang, "new_project") + "</button>") +
            ShareForm(ctx, who, client.id, projects);
  html += "<h3>" + T(ctx, lang, "shared") + "</h3><ul class=\"cd-documents\">";
  for (const SharedDocument& d : shared) html += StaffDocument(ctx, who, d);
  return html + "</ul></div>";
}

// ---- The tab's routes ---------------------------------------------------------------------

crm::Status BackToTab(crm::Response& res, int64_t client_id, const crm::Status& s,
                      const char* flash) {
  std::string to = TabPath(client_id) + "?";
  to +=
      s.ok() ? std::string("flash=") + flash : "error=" + std::string(crm::ErrorCodeName(s.code()));
  return res.Redirect(to);
}

std::optional<int64_t> PathId(const crm::Request& req, std::string_view name) {
  return crm::text::ParseId(req.PathParam(name));
}

crm::Status TabProject(Context& ctx, crm::Request& req, crm::Response& res) {
  auto cid = PathId(req, "client_id");
  if (!cid) return crm::NotFound("no such client");
  ProjectDraft d{req.FormValue("name"), req.FormValue("reference"), std::nullopt};
  return BackToTab(res, *cid, CreateProject(ctx.services, req.Caller(), *cid, d).status(),
                   "project");
}

crm::Status TabShare(Context& ctx, crm::Request& req, crm::Response& res) {
  auto cid = PathId(req, "client_id");
  if (!cid) return crm::NotFound("no such client");
  auto d = ShareDocument(ctx.services, req.Caller(), SharedUploadOf(req, *cid));
  return BackToTab(res, *cid, d.status(), "shared");
}

crm::Status TabPayment(Context& ctx, crm::Request& req, crm::Response& res) {
  auto cid = PathId(req, "client_id");
  auto id = PathId(req, "id");
  if (!cid || !id) return crm::NotFound("no such document");
  auto d =
      RecordPayment(ctx.services, req.Caller(), *cid, *id, req.FormValue("amount").value_or(""),
                    req.FormValue("paid_on").value_or(""));
  return BackToTab(res, *cid, d.status(), "paid");
}

crm::Status TabDelete(Context& ctx, crm::Request& req, crm::Response& res) {
  auto cid = PathId(req, "client_id");
  auto id = PathId(req, "id");
  if (!cid || !id) return crm::NotFound("no such document");
  return BackToTab(res, *cid, DeleteShared(ctx.services, req.Caller(), *cid, *id), "deleted");
}

crm::Status TabFile(Context& ctx, crm::Request& req, crm::Response& res) {
  auto cid = PathId(req, "client_id");
  auto id = PathId(req, "id");
  auto fid = PathId(req, "file_id");
  if (!cid || !id || !fid) return crm::NotFound("no such file");
  CRM_ASSIGN_OR_RETURN(auto reply, DownloadSharedFile(ctx.services, req.Caller(), *cid, *id, *fid,
                                                      req.Query("inline").value_or("") == "1"));
  return res.SendObject(reply);
}

crm::Status TabExport(Context& ctx, crm::Request& req, crm::Response& res) {
  auto cid = PathId(req, "client_id");
  if (!cid) return crm::NotFound("no such client");
  CRM_ASSIGN_OR_RETURN(auto zip, ExportClient(ctx.services, req.Caller(), *cid));
  crm::FileReply reply{zip, "application/zip", "client-" + std::to_string(*cid) + "-export.zip",
                       false, ""};
  crm::Status s = res.SendFile(reply);
  std::error_code ec;
  std::filesystem::remove(zip, ec);
  return s;
}

}  // namespace

crm::Status RegisterPortalPages(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::MenuFilter menu;
  menu.id = "shared-with-me";
  menu.area = crm::MenuArea::kAccount;
  // Shown to a client once something is shared with them (one probe of cd_shared_client).
  menu.filter = [ctx](std::vector<crm::MenuItem> items, const crm::Principal& viewer) {
    auto any = ctx->host.Db().QueryOne("SELECT 1 FROM cd_shared WHERE client_id = ? LIMIT 1",
                                       {viewer.client_id});
    if (!viewer.IsClient() || !any.ok() || !any->has_value()) return items;
    items.push_back(crm::MenuItem{"client-documents.shared",
                                  ctx->texts.Get(viewer.language, "portal.menu"),
                                  kAccountSharedPage, 55});
    return items;
  };
  CRM_RETURN_IF_ERROR(registrar.AddMenuFilter(std::move(menu)));
  CRM_RETURN_IF_ERROR(registrar.AddProfileTab(
      crm::ProfileTab{"portal", "client-documents.portal.tab_title", kPermRead,
                      [ctx](const crm::ClientInfo& client, crm::Request& request) {
                        return RenderPortalTab(*ctx, client, request);
                      },
                      crm::kDefaultPriority + 1}));
  const crm::Audience client_aud{crm::Audience::Kind::kClient, "", ""};
  const crm::Audience reader{crm::Audience::Kind::kAdmin, kPermRead, ""};
  const crm::Audience writer{crm::Audience::Kind::kAdmin, kPermWrite, ""};
  const std::string base = std::string(kAdminPrefix) + "/clients/{client_id}/portal";
  return AddPageRoutes(
      registrar, ctx,
      {
          {"GET", kAccountSharedPage, client_aud, 0, ClientPage},
          {"GET", std::string(kAccountSharedPage) + "/{id}/view/{file_id}", client_aud, 0,
           ClientView},
          {"GET", std::string(kAccountSharedPage) + "/{id}/view/{file_id}/pages/{n}", client_aud, 0,
           ClientViewPage},
          {"POST", base + "/projects", writer, 1 << 16, TabProject},
          {"POST", base + "/shared", writer, kSharedBodyLimit, TabShare},
          {"POST", base + "/shared/{id}/payments", writer, 1 << 16, TabPayment},
          {"POST", base + "/shared/{id}/delete", writer, 1 << 16, TabDelete},
          {"GET", base + "/shared/{id}/files/{file_id}", reader, 0, TabFile},
          {"GET", base + "/export", reader, 0, TabExport},
      });
}

}  // namespace cd::hooks
