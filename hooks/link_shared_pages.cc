// hooks/link_shared_pages.cc — a link session's shared documents (PT1, PT2, PT8; SPEC §6 "Links"
// and "Projects and shared documents"): the space's section of the documents the link's scope
// covers, and the routes of its forms under /p/client-documents/shared/{id}/ (decision,
// comments, supporting files), of their files and of the page that shows one ("view only"). Short
// adapters over plugin/portal/link_use_cases.h, which checks scope (404) then right (403).
#include <string>

#include <boost/json.hpp>

#include "hooks/link_pages.h"
#include "hooks/page_routes.h"
#include "hooks/shared_view.h"
#include "hooks/view.h"
#include "plugin/api_routes.h"
#include "plugin/portal/link_use_cases.h"
#include "plugin/portal/portal_json.h"

namespace cd::hooks {
namespace {

namespace json = boost::json;

const std::string kSharedBase = std::string(kLinkPrefix) + "/shared";

bool JsonBody(const crm::Request& request) {
  return request.Header("Content-Type").value_or("").rfind("application/json", 0) == 0;
}

// The string member `key` of a JSON object body, "" when absent.
std::string Member(const json::value& body, std::string_view key) {
  const json::value* v = body.is_object() ? body.as_object().if_contains(key) : nullptr;
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// A form action's answer: 303 back to the document on the space (with its notice), or the space
// with the refusal in the contact's language and the refusal's status.
crm::Status FormOutcome(Context& ctx, crm::Request& request, crm::Response& response,
                        const LinkSession& s, const crm::Status& outcome, int64_t id,
                        const char* flash) {
  if (outcome.ok())
    return response.Redirect(std::string(kLinkPrefix) + "/space?flash=" + flash + "#cd-shared-" +
                             std::to_string(id));
  if (outcome.http_status() >= 500)
    ctx.host.Log(crm::LogLevel::kError, "client-documents link session: " + outcome.ToString());
  return SendLinkSpace(ctx, request, response, s, SharedErrorText(ctx, s.grant.language, outcome),
                       outcome.http_status());
}

// A JSON answer: the refusal (its message in the contact's language) or `ok` with `status`.
crm::Status JsonOutcome(Context& ctx, crm::Response& response, const LinkSession& s,
                        const crm::Status& outcome, int status, const json::value& ok) {
  if (!outcome.ok())
    return response.SendError(
        crm::Status(outcome.code(), SharedErrorText(ctx, s.grant.language, outcome)));
  return SendJson(response, status, ok);
}

// POST …/shared/{id}/decision: {"decision", "reason"} as JSON (X-CSRF-Token) or the page's form.
crm::Status PostDecision(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  const int64_t id = crm::text::ParseId(request.PathParam("id")).value_or(0);
  std::string decision, reason;
  if (JsonBody(request)) {
    CRM_ASSIGN_OR_RETURN(json::value body, ReadJson(request));
    decision = Member(body, "decision");
    reason = Member(body, "reason");
  } else {
    decision = request.FormValue("decision").value_or("");
    reason = request.FormValue("reason").value_or("");
  }
  crm::Result<SharedDocument> d = LinkDecide(ctx.services, *s, id, decision, reason);
  if (JsonBody(request))
    return JsonOutcome(ctx, response, *s, d.status(), 200,
                       d.ok() ? json::value(SharedToJson(*d, kSharedBase)) : json::value());
  return FormOutcome(ctx, request, response, *s, d.status(), id, "decided");
}

// POST …/shared/{id}/comments: {"body"} as JSON, or the form's `body`.
crm::Status PostComment(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  const int64_t id = crm::text::ParseId(request.PathParam("id")).value_or(0);
  std::string body;
  if (JsonBody(request)) {
    CRM_ASSIGN_OR_RETURN(json::value v, ReadJson(request));
    body = Member(v, "body");
  } else {
    body = request.FormValue("body").value_or("");
  }
  crm::Result<Comment> c = LinkSharedComment(ctx.services, *s, id, body);
  if (JsonBody(request))
    return JsonOutcome(ctx, response, *s, c.status(), 201,
                       c.ok() ? json::value(CommentToJson(*c)) : json::value());
  return FormOutcome(ctx, request, response, *s, c.status(), id, "commented");
}

// POST …/shared/{id}/files: a supporting file (multipart); JSON for a script asking for it.
crm::Status PostFile(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  const int64_t id = crm::text::ParseId(request.PathParam("id")).value_or(0);
  crm::Result<SharedDocument> d = LinkSupportingFile(ctx.services, *s, request, id);
  if (WantsJson(request))
    return JsonOutcome(ctx, response, *s, d.status(), 201,
                       d.ok() ? json::value(SharedToJson(*d, kSharedBase)) : json::value());
  return FormOutcome(ctx, request, response, *s, d.status(), id, "uploaded");
}

// The path ids of a shared file's routes; nullopt when one is not an id (404).
struct FileIds {
  int64_t shared = 0;
  int64_t file = 0;
};
std::optional<FileIds> FileIdsOf(const crm::Request& request) {
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("id"));
  std::optional<int64_t> file_id = crm::text::ParseId(request.PathParam("file_id"));
  if (!id || !file_id) return std::nullopt;
  return FileIds{.shared = *id, .file = *file_id};
}

// GET …/shared/{id}/files/{file_id}: an attachment ("download").
crm::Status Download(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  std::optional<FileIds> ids = FileIdsOf(request);
  if (!ids) return crm::NotFound("no such file");
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply,
                       LinkDownloadSharedFile(ctx.services, *s, ids->shared, ids->file));
  response.SetHeader("Cache-Control", "no-store");
  return response.SendObject(reply);
}

// GET …/shared/{id}/view/{file_id}: the file shown in a page ("view" or "download"), with a
// download link only when the link has "download".
crm::Status View(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  std::optional<FileIds> ids = FileIdsOf(request);
  if (!ids) return crm::NotFound("no such file");
  CRM_ASSIGN_OR_RETURN(SharedFileView view,
                       LinkViewSharedFile(ctx.services, *s, ids->shared, ids->file));
  const std::string doc = kSharedBase + "/" + std::to_string(ids->shared);
  FileViewLinks links;
  links.back = std::string(kLinkPrefix) + "/space";
  links.pages = doc + "/view/" + std::to_string(ids->file) + "/pages";
  if (s->grant.Has("download")) links.download = doc + "/files/" + std::to_string(ids->file);
  response.SetHeader("Cache-Control", "no-store");
  return response.SendPage(crm::PageReply{
      crm::PageReply::Layout::kBare, ctx.texts.Get(s->grant.language, "links.title"),
      SharedFileViewHtml(ctx, s->grant.language, view, links), FileViewStatus(view.shown)});
}

// GET …/shared/{id}/view/{file_id}/pages/{n}: one picture of that page.
crm::Status ViewPage(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  std::optional<FileIds> ids = FileIdsOf(request);
  std::optional<int64_t> n = crm::text::ParseId(request.PathParam("n"));
  if (!ids || !n || *n > kMaxShownPages) return crm::NotFound("no such page");
  CRM_ASSIGN_OR_RETURN(PagePicture picture, LinkSharedFilePage(ctx.services, *s, ids->shared,
                                                               ids->file, static_cast<int>(*n)));
  return SendPagePicture(response, picture);
}

}  // namespace

crm::Result<std::string> LinkSharedHtml(Context& ctx, const crm::Request& request,
                                        const LinkSession& s) {
  CRM_ASSIGN_OR_RETURN(LinkSharedView view, LinkShared(ctx.services, s));
  if (view.documents.empty()) return std::string();
  const LinkGrant& g = s.grant;
  SharedActions a;
  a.base = kSharedBase;
  a.csrf = s.principal.csrf_token;
  a.view = g.Has("view") || g.Has("download");
  a.download = g.Has("download");
  a.view_route = true;
  a.decide = g.Has("decide");
  a.upload = g.Has("upload");
  a.comment = g.Has("comment");
  a.comments = a.comment || a.view;
  return "<section class=\"cd-shared\" data-cd-shared><h2>" + PortalText(ctx, g.language, "title") +
         "</h2>" + SharedNotice(ctx, g.language, request) +
         SharedSections(ctx, s.principal, view.projects, view.documents, a) + "</section>";
}

crm::Status RegisterLinkSharedPages(crm::Registrar& registrar, const ContextPtr& ctx) {
  const crm::Audience anyone{crm::Audience::Kind::kPublic, "", ""};
  const std::string p = kSharedBase + "/{id}";
  return AddPageRoutes(registrar, ctx,
                       {
                           {"POST", p + "/decision", anyone, 1 << 16, PostDecision},
                           {"POST", p + "/comments", anyone, 1 << 16, PostComment},
                           {"POST", p + "/files", anyone, kSharedBodyLimit, PostFile},
                           {"GET", p + "/files/{file_id}", anyone, 0, Download},
                           {"GET", p + "/view/{file_id}", anyone, 0, View},
                           {"GET", p + "/view/{file_id}/pages/{n}", anyone, 0, ViewPage},
                       });
}

}  // namespace cd::hooks
