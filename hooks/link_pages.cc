// hooks/link_pages.cc — the pages of signed links (link_pages.h): short adapters over
// plugin/links/ (links.h: the token and the session; link_use_cases.h: what a session may do).
#include "hooks/link_pages.h"

#include <openssl/crypto.h>

#include <string>
#include <vector>

#include "hooks/page_routes.h"
#include "hooks/shared_view.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/links/link_use_cases.h"

namespace cd::hooks {
namespace {

const std::string kSpacePath = std::string(kLinkPrefix) + "/space";

// Every reply of a link page: the token or the session must never leak through a Referer.
void NoReferrer(crm::Response& response) { response.SetHeader("Referrer-Policy", "no-referrer"); }

std::string ReaderLanguage(const crm::Request& request, const std::string& known) {
  if (crm::IsLanguage(known)) return known;
  std::string l = crm::text::BestAcceptLanguage(request.Header("Accept-Language").value_or(""));
  return l.empty() ? "en" : l;
}

crm::Status SendBare(Context& ctx, crm::Response& response, const std::string& lang,
                     const std::string& title_key, std::string_view template_name, Data data,
                     int status) {
  CRM_ASSIGN_OR_RETURN(std::string body, Render(ctx, template_name, lang, std::move(data)));
  return response.SendPage(crm::PageReply{crm::PageReply::Layout::kBare,
                                          ctx.texts.Get(lang, title_key), std::move(body), status});
}

// A message page (gone, too many requests, no access) with a status.
crm::Status SendMessage(Context& ctx, crm::Response& response, const std::string& lang,
                        const std::string& key, int status) {
  Data data;
  data.set("title", ctx.texts.Get(lang, "links." + key + "_title"));
  data.set("message", ctx.texts.Get(lang, "links." + key + "_text"));
  return SendBare(ctx, response, lang, "links." + key + "_title", "link_message", std::move(data),
                  status);
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// ---- The link's page ---------------------------------------------------------------------

// GET /p/client-documents/l/{token}: a page with a "Continue" form. Changes nothing of the
// link (mail scanners open links): no use counted, no session, no journal.
crm::Status ShowLink(Context& ctx, crm::Request& request, crm::Response& response) {
  NoReferrer(response);
  const std::string token = request.PathParam("token").value_or("");
  CRM_ASSIGN_OR_RETURN(TokenCheck check, PeekLink(ctx.services, token, request.RemoteAddress()));
  std::string lang = ReaderLanguage(request, check.link ? check.link->grant.language : "");
  if (check.verdict == TokenCheck::Verdict::kThrottled)
    return SendMessage(ctx, response, lang, "throttled", 429);
  if (check.verdict == TokenCheck::Verdict::kGone)
    return SendLinkGone(ctx, request, response, lang);
  Data data;
  const LinkGrant& g = check.link->grant;
  data.set("has_contact", !g.contact_name.empty());
  data.set("greeting", ctx.texts.Format(lang, "links.greeting", {{"name", g.contact_name}}));
  data.set("action", std::string(kLinkPrefix) + "/l/" + token);
  return SendBare(ctx, response, lang, "links.title", "link_landing", std::move(data), 200);
}

// The link session's cookie: HttpOnly, SameSite=Strict, Path=/p/client-documents, Secure when
// the host is reached over https.
std::string SessionCookie(Context& ctx, const OpenedSession& s) {
  std::string cookie = std::string(kLinkCookie) + "=" + s.session_id + "; Path=" + kLinkPrefix +
                       "; Max-Age=" + std::to_string(s.expires_at - ctx.host.NowUnix()) +
                       "; HttpOnly; SameSite=Strict";
  if (ctx.host.BaseUrl().rfind("https://", 0) == 0) cookie += "; Secure";
  return cookie;
}

// POST /p/client-documents/l/{token}: counts a use, opens the session, 303 to the space.
crm::Status OpenLinkSession(Context& ctx, crm::Request& request, crm::Response& response) {
  NoReferrer(response);
  const std::string token = request.PathParam("token").value_or("");
  CRM_ASSIGN_OR_RETURN(OpenOutcome out, OpenLink(ctx.services, token, request.RemoteAddress()));
  std::string lang = ReaderLanguage(request, out.check.link ? out.check.link->grant.language : "");
  if (out.check.verdict == TokenCheck::Verdict::kThrottled)
    return SendMessage(ctx, response, lang, "throttled", 429);
  if (!out.opened) return SendLinkGone(ctx, request, response, lang);
  response.SetHeader("Set-Cookie", SessionCookie(ctx, *out.opened));
  return response.Redirect(kSpacePath);
}

// ---- The link session --------------------------------------------------------------------

// The files of one document as the link may use them: view (inline, or the thumbnail),
// download only with "download".
DataList FilesData(const std::string& lang, const LinkSession& s, const ClientDocument& doc) {
  DataList files;
  const bool download = s.grant.Has("download");
  for (const StoredFile& file : doc.files) {
    const std::string id = std::to_string(file.id);
    Data f;
    f.set("name", file.name);
    f.set("size", FormatSize(lang, file.size));
    f.set("is_image", file.mime.rfind("image/", 0) == 0 && file.mime != "image/heic");
    f.set("view_url", std::string(kLinkPrefix) + "/view/" + id);  // an image, as itself
    f.set("read_url", std::string(kLinkPrefix) + "/read/" + id);  // the page that shows it
    f.set("has_thumbnail", !file.thumbnail_key.empty());
    f.set("thumbnail_url", std::string(kLinkPrefix) + "/thumbnails/" + id);
    f.set("download", download);
    f.set("download_url", std::string(kLinkPrefix) + "/files/" + id);
    files.push_back(std::move(f));
  }
  return files;
}

crm::Result<Data> DocumentItem(Context& ctx, const std::string& lang, const LinkSession& s,
                               const ClientDocument& doc) {
  const std::string doc_url =
      std::string(kLinkPrefix) + "/documents/" + std::to_string(doc.type.id);
  Data d = DocumentData(ctx, lang, doc, doc_url, std::string(kLinkPrefix) + "/thumbnails");
  const bool sees = s.grant.Has("view") || s.grant.Has("download");
  d.set("sees_files", sees && !doc.files.empty());
  d.set("files", FilesData(lang, s, doc));
  d.set("can_upload",
        s.grant.Has("upload") && CheckWrite(s.principal, s.grant.client_id, doc.type).ok());
  d.set("upload_url", doc_url);
  d.set("can_comment", s.grant.Has("comment"));
  d.set("comment_url", doc_url + "/comments");
  d.set("csrf", s.principal.csrf_token);
  d.set("has_comments", false);
  if (s.grant.Has("comment") || sees) {
    CRM_ASSIGN_OR_RETURN(std::vector<Comment> comments, LinkComments(ctx.services, s, doc.type.id));
    SetCommentsData(ctx, lang, comments, d);
  }
  return d;
}

crm::Result<std::string> RenderSpace(Context& ctx, crm::Request& request, const LinkSession& s,
                                     const std::string& error) {
  const std::string& lang = s.grant.language;
  CRM_ASSIGN_OR_RETURN(std::vector<ClientDocument> docs, LinkDocuments(ctx.services, s));
  DataList items;
  for (const ClientDocument& doc : docs) {
    CRM_ASSIGN_OR_RETURN(Data d, DocumentItem(ctx, lang, s, doc));
    items.push_back(std::move(d));
  }
  CRM_ASSIGN_OR_RETURN(std::string shared, LinkSharedHtml(ctx, request, s));
  Data data;
  data.set("documents", items);
  data.set("empty", items.empty() && shared.empty());
  data.set("shared_html", shared);
  data.set("branding", Branding(ctx));
  data.set("view_only", s.grant.Has("view") && !s.grant.Has("download"));
  data.set("has_contact", !s.grant.contact_name.empty());
  data.set("greeting", ctx.texts.Format(lang, "links.greeting", {{"name", s.grant.contact_name}}));
  data.set("uploaded", request.Query("uploaded").has_value());
  data.set("has_error", !error.empty());
  data.set("error", error);
  return Render(ctx, "link_space", lang, std::move(data));
}

// A refused action of the session: JSON to the page's script, else the space with the error.
crm::Status SendActionError(Context& ctx, crm::Request& request, crm::Response& response,
                            const LinkSession& s, int64_t type_id, const crm::Status& error) {
  crm::Result<DocumentType> type = ctx.services.types().Get(type_id);
  std::string text = ErrorText(ctx, s.grant.language, error, type.ok() ? &*type : nullptr);
  if (error.http_status() >= 500)
    ctx.host.Log(crm::LogLevel::kError, "client-documents link session: " + error.ToString());
  if (WantsJson(request)) return response.SendError(crm::Status(error.code(), text));
  return SendLinkSpace(ctx, request, response, s, text, error.http_status());
}

// GET /p/client-documents/space.
crm::Status ShowSpace(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  return SendLinkSpace(ctx, request, response, *s, "", 200);
}

crm::Status SendFile(Context& ctx, crm::Request& request, crm::Response& response,
                     LinkFileUse use) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  std::optional<int64_t> file_id = crm::text::ParseId(request.PathParam("file_id"));
  if (!file_id) return crm::NotFound("no such file");
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply, LinkFile(ctx.services, *s, *file_id, use));
  response.SetHeader("Cache-Control", "no-store");
  return response.SendObject(reply);
}

// GET /p/client-documents/files/{file_id}: an attachment ("download").
crm::Status Download(Context& ctx, crm::Request& request, crm::Response& response) {
  return SendFile(ctx, request, response, LinkFileUse::kDownload);
}
// GET /p/client-documents/view/{file_id}: shown in the browser ("view"), never an attachment.
crm::Status View(Context& ctx, crm::Request& request, crm::Response& response) {
  return SendFile(ctx, request, response, LinkFileUse::kView);
}
// GET /p/client-documents/read/{file_id}: the file shown in a page ("view" or "download"):
// a PDF's pages as pictures, with a download link only when the link has "download".
crm::Status Read(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  std::optional<int64_t> file_id = crm::text::ParseId(request.PathParam("file_id"));
  if (!file_id) return crm::NotFound("no such file");
  CRM_ASSIGN_OR_RETURN(LinkFileView view, LinkViewFile(ctx.services, *s, *file_id));
  const std::string& lang = s->grant.language;
  const std::string id = std::to_string(*file_id);
  FilePage page;
  crm::Result<DocumentType> type = ctx.services.types().Get(view.type_id);
  page.title = type.ok() ? type->name.Get(lang) : "";
  page.file_name = view.file.download_name;
  page.shown = view.shown;
  FileViewLinks links;
  links.back = kSpacePath + "#cd-doc-" + std::to_string(view.type_id);
  links.pages = std::string(kLinkPrefix) + "/read/" + id + "/pages";
  if (s->grant.Has("download")) links.download = std::string(kLinkPrefix) + "/files/" + id;
  response.SetHeader("Cache-Control", "no-store");
  return response.SendPage(
      crm::PageReply{crm::PageReply::Layout::kBare, ctx.texts.Get(lang, "links.title"),
                     FileViewHtml(ctx, lang, page, links), FileViewStatus(view.shown)});
}

// GET /p/client-documents/read/{file_id}/pages/{n}: one picture of that page.
crm::Status ReadPage(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  std::optional<int64_t> file_id = crm::text::ParseId(request.PathParam("file_id"));
  std::optional<int64_t> n = crm::text::ParseId(request.PathParam("n"));
  if (!file_id || !n || *n > kMaxShownPages) return crm::NotFound("no such page");
  CRM_ASSIGN_OR_RETURN(PagePicture picture,
                       LinkFilePicture(ctx.services, *s, *file_id, static_cast<int>(*n)));
  return SendPagePicture(response, picture);
}

// GET /p/client-documents/thumbnails/{file_id}.
crm::Status Thumbnail(Context& ctx, crm::Request& request, crm::Response& response) {
  return SendFile(ctx, request, response, LinkFileUse::kThumbnail);
}

// POST /p/client-documents/documents/{type_id}: multipart, as the client area ("upload").
crm::Status Upload(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  int64_t type_id = crm::text::ParseId(request.PathParam("type_id")).value_or(0);
  crm::Result<UploadOutcome> outcome = LinkUpload(ctx.services, *s, request, type_id);
  if (!outcome.ok()) return SendActionError(ctx, request, response, *s, type_id, outcome.status());
  const std::string next = kSpacePath + "?uploaded=" + std::to_string(type_id);
  if (!WantsJson(request)) return response.Redirect(next);
  return response.SendJson("{\"ok\":true,\"redirect\":" + JsonQuote(next) + ",\"message\":" +
                           JsonQuote(ctx.texts.Get(s->grant.language, "area.uploaded_ok")) + "}");
}

// POST /p/client-documents/documents/{type_id}/comments (form field `body`; "comment").
crm::Status PostComment(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(std::optional<LinkSession> s, RequireLinkSession(ctx, request, response));
  if (!s) return crm::Status::Ok();
  int64_t type_id = crm::text::ParseId(request.PathParam("type_id")).value_or(0);
  crm::Result<Comment> added =
      LinkComment(ctx.services, *s, type_id, request.FormValue("body").value_or(""));
  if (!added.ok()) return SendActionError(ctx, request, response, *s, type_id, added.status());
  return response.Redirect(kSpacePath + "#cd-doc-" + std::to_string(type_id));
}

}  // namespace

crm::Status SendLinkSpace(Context& ctx, crm::Request& request, crm::Response& response,
                          const LinkSession& s, const std::string& error, int status) {
  CRM_ASSIGN_OR_RETURN(std::string body, RenderSpace(ctx, request, s, error));
  return response.SendPage(crm::PageReply{crm::PageReply::Layout::kBare,
                                          ctx.texts.Get(s.grant.language, "links.title"),
                                          std::move(body), status});
}

crm::Status SendLinkGone(Context& ctx, crm::Request& request, crm::Response& response,
                         std::string language) {
  NoReferrer(response);
  return SendMessage(ctx, response, ReaderLanguage(request, language), "gone", 410);
}

crm::Result<std::optional<LinkSession>> RequireLinkSession(Context& ctx, crm::Request& request,
                                                           crm::Response& response) {
  NoReferrer(response);
  CRM_ASSIGN_OR_RETURN(SessionCheck check,
                       ResolveLinkSession(ctx.services, request.Header("Cookie")));
  if (!check.session) {
    CRM_RETURN_IF_ERROR(SendLinkGone(ctx, request, response, check.language));
    return std::optional<LinkSession>();
  }
  if (request.Method() != "GET" && request.Method() != "HEAD") {
    std::optional<std::string> token = request.Header("X-CSRF-Token");
    if (!token) token = request.FormValue("_csrf");
    if (!token || !SameSecret(*token, check.session->principal.csrf_token)) {
      CRM_RETURN_IF_ERROR(
          SendMessage(ctx, response, check.session->grant.language, "forbidden", 403));
      return std::optional<LinkSession>();
    }
  }
  return check.session;
}

crm::Status RegisterLinkPages(crm::Registrar& registrar, const ContextPtr& ctx) {
  const crm::Audience anyone{crm::Audience::Kind::kPublic, "", ""};
  const std::string p = kLinkPrefix;
  CRM_RETURN_IF_ERROR(
      AddPageRoutes(registrar, ctx,
                    {
                        {"GET", p + "/l/{token}", anyone, 0, ShowLink},
                        {"POST", p + "/l/{token}", anyone, 1 << 16, OpenLinkSession},
                        {"GET", p + "/space", anyone, 0, ShowSpace},
                        {"GET", p + "/files/{file_id}", anyone, 0, Download},
                        {"GET", p + "/view/{file_id}", anyone, 0, View},
                        {"GET", p + "/read/{file_id}", anyone, 0, Read},
                        {"GET", p + "/read/{file_id}/pages/{n}", anyone, 0, ReadPage},
                        {"GET", p + "/thumbnails/{file_id}", anyone, 0, Thumbnail},
                        {"POST", p + "/documents/{type_id}", anyone, kUploadBodyLimit, Upload},
                        {"POST", p + "/documents/{type_id}/comments", anyone, 1 << 16, PostComment},
                    }));
  return RegisterLinkSharedPages(registrar, ctx);
}

}  // namespace cd::hooks
