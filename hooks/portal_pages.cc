// hooks/portal_pages.cc — the portal's pages (issue 12, PT8): the client's "Shared with me"
// (/account/shared: by project, categories grouped, status badges, view / download / comment /
// approve or refuse / supporting file), its menu entry, and the staff's "Portal" tab with the
// admin routes behind its forms. Every action is a use case of plugin/portal/use_cases.h; the
// client area's forms post to the routes of plugin/portal/api_routes.h.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/page_routes.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/comments/comments.h"
#include "plugin/portal/api_routes.h"
#include "plugin/portal/export.h"
#include "plugin/portal/use_cases.h"
#include "text/money.h"

namespace cd::hooks {
namespace {

using crm::text::EscapeHtml;
constexpr const char* kCategories[] = {"quote", "order", "invoice", "report", "other"};

std::string T(const Context& ctx, std::string_view lang, const std::string& key) {
  return EscapeHtml(ctx.texts.Get(lang, "portal." + key));
}

std::string AdminBase(int64_t client_id) {
  return std::string(kAdminPrefix) + "/clients/" + std::to_string(client_id) + "/portal";
}
std::string TabPath(int64_t client_id) {
  return "/admin/clients/" + std::to_string(client_id) + "/tabs/portal";
}

// The firm's name and logo on top of the client's pages.
std::string Branding(Context& ctx) {
  crm::Result<Settings> s = ctx.services.settings().Get();
  if (!s.ok() || (s->firm_name.empty() && s->firm_logo.empty())) return "";
  std::string html = "<div class=\"cd-brand\">";
  if (!s->firm_logo.empty())
    html += "<img class=\"cd-brand-logo\" src=\"" + EscapeHtml(s->firm_logo) + "\" alt=\"" +
            EscapeHtml(s->firm_name) + "\">";
  if (!s->firm_name.empty())
    html += "<strong class=\"cd-brand-name\">" + EscapeHtml(s->firm_name) + "</strong>";
  return html + "</div>";
}

// Status badge, due date and amounts of one shared document.
std::string Facts(const Context& ctx, std::string_view lang, const SharedDocument& d) {
  std::string html = "<span class=\"cd-state cd-state-" + d.status + "\" data-cd-status=\"" +
                     d.status + "\">" + T(ctx, lang, "status_" + d.status) + "</span>";
  if (!d.due_on.empty())
    html += " <span class=\"cd-due\">" + T(ctx, lang, "due_on") + " " +
            EscapeHtml(FormatIsoDate(lang, d.due_on)) + "</span>";
  if (d.amount_due_cents)
    html += " <span class=\"cd-amount\">" + T(ctx, lang, "amount_due") + " " +
            EscapeHtml(crm::text::FormatMoney(*d.amount_due_cents, lang)) + "</span>";
  if (d.still_due_cents && *d.still_due_cents > 0)
    html += " <span class=\"cd-amount-left\">" + T(ctx, lang, "still_due") + " " +
            EscapeHtml(crm::text::FormatMoney(*d.still_due_cents, lang)) + "</span>";
  if (!d.decision_value.empty()) {
    html += "<p class=\"cd-decision\">" + T(ctx, lang, "decision_" + d.decision_value) + " — " +
            EscapeHtml(d.decision_by) + ", " + EscapeHtml(FormatDateTime(lang, d.decision_at));
    if (!d.decision_reason.empty()) html += "<br>" + EscapeHtml(d.decision_reason);
    html += "</p>";
  }
  return html;
}

std::string FileLinks(const Context& ctx, std::string_view lang, const SharedDocument& d,
                      const std::string& base) {
  std::string html = "<ul class=\"cd-files\">";
  for (const SharedFile& f : d.files) {
    std::string url = base + "/" + std::to_string(d.id) + "/files/" + std::to_string(f.id);
    html += "<li class=\"cd-file\"><span class=\"cd-file-name\">" + EscapeHtml(f.name) +
            "</span> <span class=\"cd-file-meta\">" + EscapeHtml(FormatSize(lang, f.size)) +
            (f.added_by_kind != "staff" ? ", " + T(ctx, lang, "from_client") : "") +
            "</span> <a class=\"cd-link\" href=\"" + EscapeHtml(url) +
            "?inline=1\" target=\"_blank\" rel=\"noopener\">" + T(ctx, lang, "view") +
            "</a> <a class=\"cd-link\" href=\"" + EscapeHtml(url) + "\">" +
            T(ctx, lang, "download") + "</a></li>";
  }
  return html + "</ul>";
}

std::string CommentsHtml(Context& ctx, const crm::Principal& who, const SharedDocument& d) {
  crm::Result<std::vector<Comment>> list = ListSharedComments(ctx.services, who, d.client_id, d.id);
  std::string html = "<ul class=\"cd-comment-list\">";
  if (list.ok()) {
    for (const Comment& c : *list)
      html += "<li class=\"cd-comment\"><p class=\"cd-comment-meta\">" + EscapeHtml(c.author_name) +
              " · " + EscapeHtml(FormatDateTime(who.language, c.created_at)) +
              "</p><p class=\"cd-comment-body\">" + EscapeHtml(c.body) + "</p></li>";
  }
  return html + "</ul>";
}

std::string Form(const std::string& action, const std::string& csrf, const std::string& inner,
                 bool multipart = false) {
  return "<form method=\"post\" action=\"" + EscapeHtml(action) + "\"" +
         (multipart ? " enctype=\"multipart/form-data\"" : "") + ">" + CsrfField(csrf) + inner +
         "</form>";
}

// ---- The client's page ------------------------------------------------------------------

std::string ClientActions(Context& ctx, const crm::Principal& who, const SharedDocument& d) {
  const std::string& lang = who.language;
  const std::string base = std::string(kAccountSharedPage) + "/" + std::to_string(d.id);
  std::string html;
  if (d.decision_required && d.decision_value.empty() && d.status != "expired") {
    html += Form(base + "/decision", who.csrf_token,
                 "<label class=\"cd-field\"><span>" + T(ctx, lang, "reason") +
                     "</span><textarea name=\"reason\" rows=\"2\" maxlength=\"2000\"></textarea>"
                     "</label><button class=\"cd-button\" name=\"decision\" value=\"approve\">" +
                     T(ctx, lang, "approve") +
                     "</button> <button class=\"cd-button cd-button-secondary\" "
                     "name=\"decision\" value=\"refuse\">" +
                     T(ctx, lang, "refuse") + "</button>");
  }
  html += Form(base + "/files", who.csrf_token,
               "<label class=\"cd-field\"><span>" + T(ctx, lang, "supporting_file") +
                   "</span><input type=\"file\" name=\"file\" required></label><button "
                   "class=\"cd-button cd-button-secondary\">" +
                   T(ctx, lang, "send") + "</button>",
               true);
  html += "<section class=\"cd-comments\"><h4>" + T(ctx, lang, "comments") + "</h4>" +
          CommentsHtml(ctx, who, d) +
          Form(base + "/comments", who.csrf_token,
               "<label class=\"cd-field\"><span>" + T(ctx, lang, "comment_add") +
                   "</span><textarea name=\"body\" required maxlength=\"5000\" rows=\"2\">"
                   "</textarea></label><button class=\"cd-button cd-button-secondary\">" +
                   T(ctx, lang, "send") + "</button>") +
          "</section>";
  return html;
}

// One project's documents, categories grouped.
std::string ProjectSection(Context& ctx, const crm::Principal& who, const std::string& name,
                           const std::vector<const SharedDocument*>& docs) {
  const std::string& lang = who.language;
  std::string html = "<section class=\"cd-project\"><h2>" + EscapeHtml(name) + "</h2>";
  for (const char* cat : kCategories) {
    std::string items;
    for (const SharedDocument* d : docs) {
      if (d->category != cat) continue;
      items += "<li class=\"cd-document\" id=\"cd-shared-" + std::to_string(d->id) +
               "\"><div class=\"cd-document-head\"><h3 class=\"cd-document-name\">" +
               EscapeHtml(d->title) + "</h3>" + Facts(ctx, lang, *d) + "</div>" +
               FileLinks(ctx, lang, *d, kAccountSharedPage) + ClientActions(ctx, who, *d) + "</li>";
    }
    if (!items.empty())
      html += "<h3 class=\"cd-category\">" + T(ctx, lang, std::string("category_") + cat) +
              "</h3><ul class=\"cd-documents\">" + items + "</ul>";
  }
  return html + "</section>";
}

std::string Notice(const Context& ctx, const crm::Request& req) {
  const std::string& lang = req.Caller().language;
  std::string flash = req.Query("flash").value_or("");
  if (flash == "decided" || flash == "commented" || flash == "uploaded" || flash == "project" ||
      flash == "shared" || flash == "paid" || flash == "deleted")
    return "<p class=\"cd-notice cd-notice-ok\" role=\"status\">" + T(ctx, lang, "flash_" + flash) +
           "</p>";
  if (req.Query("error"))
    return "<p class=\"cd-notice cd-notice-error\" role=\"alert\">" +
           T(ctx, lang,
             "error_" + std::string(req.Query("error")->rfind("conflict", 0) == 0 ? "conflict"
                                                                                  : "other")) +
           "</p>";
  return "";
}

crm::Status ClientPage(Context& ctx, crm::Request& req, crm::Response& res) {
  const crm::Principal& who = req.Caller();
  CRM_ASSIGN_OR_RETURN(auto projects, ListProjects(ctx.services, who, who.client_id));
  CRM_ASSIGN_OR_RETURN(auto shared, ListShared(ctx.services, who, who.client_id, std::nullopt));
  std::string body = "<link rel=\"stylesheet\" href=\"" + std::string(kAssetPrefix) +
                     "/documents.css\"><div class=\"cd-area cd-portal\">" + Branding(ctx) +
                     Notice(ctx, req);
  if (shared.empty()) body += "<p class=\"cd-empty\">" + T(ctx, who.language, "empty") + "</p>";
  std::map<int64_t, std::vector<const SharedDocument*>> by_project;
  for (const SharedDocument& d : shared) by_project[d.project_id].push_back(&d);
  for (const Project& p : projects)
    if (by_project.count(p.id))
      body +=
          ProjectSection(ctx, who, p.name + (p.reference.empty() ? "" : " (" + p.reference + ")"),
                         by_project[p.id]);
  if (by_project.count(0))
    body +=
        ProjectSection(ctx, who, ctx.texts.Get(who.language, "portal.no_project"), by_project[0]);
  body += "</div>";
  return res.SendPage(crm::PageReply{crm::PageReply::Layout::kAccount,
                                     ctx.texts.Get(who.language, "portal.title"), body, 200});
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
         Form(AdminBase(client_id) + "/shared", who.csrf_token,
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
  std::string html = "<li class=\"cd-document\" id=\"cd-shared-" + id + "\"><h4>" +
                     EscapeHtml(d.title) + " <small>" + T(ctx, lang, "category_" + d.category) +
                     "</small></h4>" + Facts(ctx, lang, d) + FileLinks(ctx, lang, d, base) +
                     CommentsHtml(ctx, who, d);
  if (!who.HasPermission(kPermWrite)) return html + "</li>";
  if (d.category == "invoice" && d.still_due_cents.value_or(0) > 0)
    html += Form(base + "/" + id + "/payments", who.csrf_token,
                 "<label class=\"cd-field\"><span>" + T(ctx, lang, "amount") +
                     "</span><input name=\"amount\" required inputmode=\"decimal\"></label>"
                     "<label class=\"cd-field\"><span>" +
                     T(ctx, lang, "paid_on") +
                     "</span><input type=\"date\" name=\"paid_on\"></label><button "
                     "class=\"cd-button cd-button-secondary\">" +
                     T(ctx, lang, "record_payment") + "</button>");
  html +=
      Form(base + "/" + id + "/delete", who.csrf_token,
           "<button class=\"cd-button cd-button-danger\">" + T(ctx, lang, "delete") + "</button>");
  return html + "</li>";
}

crm::Result<std::string> RenderPortalTab(Context& ctx, const crm::ClientInfo& client,
                                         crm::Request& req) {
  const crm::Principal& who = req.Caller();
  const std::string& lang = who.language;
  CRM_ASSIGN_OR_RETURN(auto projects, ListProjects(ctx.services, who, client.id));
  CRM_ASSIGN_OR_RETURN(auto shared, ListShared(ctx.services, who, client.id, std::nullopt));
  std::string html = "<div class=\"cd-portal-tab\">" + Notice(ctx, req) +
                     "<p><a class=\"cd-button\" href=\"" + EscapeHtml(AdminBase(client.id)) +
                     "/export\">" + T(ctx, lang, "export") + "</a></p><h3>" +
                     T(ctx, lang, "projects") + "</h3><ul>";
  for (const Project& p : projects)
    html += "<li>" + EscapeHtml(p.name) +
            (p.reference.empty() ? "" : " (" + EscapeHtml(p.reference) + ")") + " — " +
            T(ctx, lang, "project_" + p.status) + "</li>";
  html += "</ul>";
  if (who.HasPermission(kPermWrite))
    html += Form(AdminBase(client.id) + "/projects", who.csrf_token,
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
  return AddPageRoutes(registrar, ctx,
                       {
                           {"GET", kAccountSharedPage, client_aud, 0, ClientPage},
                           {"POST", base + "/projects", writer, 1 << 16, TabProject},
                           {"POST", base + "/shared", writer, kSharedBodyLimit, TabShare},
                           {"POST", base + "/shared/{id}/payments", writer, 1 << 16, TabPayment},
                           {"POST", base + "/shared/{id}/delete", writer, 1 << 16, TabDelete},
                           {"GET", base + "/shared/{id}/files/{file_id}", reader, 0, TabFile},
                           {"GET", base + "/export", reader, 0, TabExport},
                       });
}

}  // namespace cd::hooks
