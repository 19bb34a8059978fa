// hooks/client_area.cc — CD2: the reserved-area page "My documents" (/account/documents), the
// client's uploads, and downloads of the client's own files and thumbnails. The client's id
// always comes from the session (Caller), never from the URL.
#include <optional>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/page_routes.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/documents/use_cases.h"
#include "plugin/review/review_store.h"
#include "plugin/review/state.h"
#include "plugin/settings_store.h"
#include "plugin/uploads/tus_routes.h"

namespace cd::hooks {

namespace {

// The size of the widget's PATCH requests: each is one part object in the store, and a cut
// connection loses at most what was not yet received of one.
constexpr int64_t kTusChunkBytes = 8 << 20;

// An upload error to show next to one document.
struct PageError {
  int64_t type_id = 0;
  std::string text;
};

// Issue 15.11: what the client still has to provide, at the top of the page and on the reserved
// area's home: each required document that is missing, rejected or expired (what the gate
// counts), linked to its place on `page` ("" on the page itself, kAccountPage from elsewhere).
DataList MissingList(Context& ctx, std::string_view lang, const std::vector<ClientDocument>& docs,
                     const std::string& page) {
  DataList missing;
  for (const ClientDocument& doc : docs) {
    if (doc.type.upload_mode != UploadMode::kRequired) continue;
    if (doc.status != DocumentStatus::kMissing && doc.status != DocumentStatus::kRejected &&
        doc.status != DocumentStatus::kExpired)
      continue;
    Data item;
    item.set("name", doc.type.name.Get(lang));
    item.set("anchor", page + "#cd-doc-" + std::to_string(doc.type.id));
    item.set("state_text", ctx.texts.Get(lang, StateKey(doc.status)));
    missing.push_back(std::move(item));
  }
  return missing;
}

// The "still to provide" section (templates/missing.mustache); "" when nothing is missing.
crm::Result<std::string> MissingHtml(Context& ctx, std::string_view lang,
                                     const std::vector<ClientDocument>& docs,
                                     const std::string& page) {
  DataList missing = MissingList(ctx, lang, docs, page);
  if (missing.empty()) return std::string();
  Data data;
  data.set("missing", missing);
  return Render(ctx, "missing", lang, std::move(data));
}

// Host API 1.5: the same section on the reserved area's home, each document linked to its place
// on My documents, while the section is shown in the client area; nothing when nothing is missing.
crm::Result<std::string> HomeSection(Context& ctx, const crm::Principal& client,
                                     std::string_view lang) {
  if (!client.IsClient()) return std::string();
  CRM_ASSIGN_OR_RETURN(Settings settings, ctx.services.settings().Get());
  if (!settings.show_menu_entry) return std::string();
  CRM_ASSIGN_OR_RETURN(std::vector<ClientDocument> docs,
                       ListDocuments(ctx.services, client, client.client_id));
  CRM_ASSIGN_OR_RETURN(std::string html, MissingHtml(ctx, lang, docs, kAccountPage));
  if (html.empty()) return html;
  return "<link rel=\"stylesheet\" href=\"" + std::string(kAssetPrefix) + "/documents.css\">" +
         html;
}

// Whether the mandatory gate holds the client back now (the gate's own rule, hooks/gate.cc): the
// banner says so on every visit until it is lifted, not only on the redirect that brought them.
bool Gated(Context& ctx, const Settings& settings, int64_t client_id) {
  if (!settings.mandatory_gate) return false;
  crm::Result<RequiredCounts> counts =
      CountRequired(ctx.host.Db(), client_id, IsoDate(ctx.host.NowUnix()));
  return counts.ok() && counts->satisfied < counts->required;
}

// The page of every document of the caller, with an optional error next to one of them.
crm::Result<std::string> RenderPage(Context& ctx, crm::Request& request,
                                    const std::optional<PageError>& error) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  CRM_ASSIGN_OR_RETURN(std::vector<ClientDocument> docs,
                       ListDocuments(ctx.services, caller, caller.client_id));
  CRM_ASSIGN_OR_RETURN(Settings settings, ctx.services.settings().Get());

  std::optional<int64_t> just_uploaded = crm::text::ParseId(request.Query("uploaded"));
  DataList items;
  for (const ClientDocument& doc : docs) {
    std::string doc_url = std::string(kAccountPage) + "/" + std::to_string(doc.type.id);
    Data d = DocumentData(ctx, lang, doc, doc_url, std::string(kAccountPage) + "/thumbnails");
    d.set("uploaded_by_text", UploadedByText(ctx, caller, doc.uploaded_by, ""));
    // The form shows only where the upload would be allowed: the same rule (access.h).
    d.set("can_upload", CheckWrite(caller, caller.client_id, doc.type).ok());
    d.set("upload_url", doc_url);
    // Issue 15.13: a document with fewer files than its type takes can be completed.
    d.set("can_add", HasRoomForFiles(doc) && CheckWrite(caller, caller.client_id, doc.type).ok());
    d.set("add_url", doc_url + "/add");
    d.set("just_uploaded", just_uploaded && *just_uploaded == doc.type.id);
    // X2: the widget's resumable upload (documents.js), answered by plugin/uploads/.
    d.set("tus_url", kAccountUploads);
    d.set("tus_chunk", std::to_string(kTusChunkBytes));
    d.set("done_url", std::string(kAccountPage) + "?uploaded=" + std::to_string(doc.type.id));
    CRM_ASSIGN_OR_RETURN(std::vector<Comment> comments,
                         ListComments(ctx.services, caller, caller.client_id, doc.type.id));
    SetCommentsData(ctx, lang, comments, d);
    d.set("csrf", caller.csrf_token);
    d.set("comment_url", doc_url + "/comments");
    if (error && error->type_id == doc.type.id) {
      d.set("has_error", true);
      d.set("error", error->text);
    } else {
      d.set("has_error", false);
    }
    items.push_back(std::move(d));
  }
  Data data;
  const std::string& intro = settings.intro_markdown.Get(lang);
  data.set("intro_html", RenderMarkdownSafe(intro));
  data.set("has_intro", !intro.empty());
  data.set("gate", Gated(ctx, settings, caller.client_id));
  CRM_ASSIGN_OR_RETURN(std::string missing, MissingHtml(ctx, lang, docs, ""));
  data.set("missing_html", missing);
  data.set("empty", items.empty());
  data.set("documents", items);
  // An error about no listed document (e.g. an unknown type) goes on top of the page.
  data.set("has_page_error", error && error->type_id == 0);
  data.set("page_error", error ? error->text : std::string());
  return Render(ctx, "client_area", lang, std::move(data));
}

crm::Status SendPage(Context& ctx, crm::Request& request, crm::Response& response,
                     const std::optional<PageError>& error, int status) {
  CRM_ASSIGN_OR_RETURN(std::string body, RenderPage(ctx, request, error));
  return response.SendPage(crm::PageReply{crm::PageReply::Layout::kAccount,
                                          ctx.texts.Get(request.Caller().language, "area.title"),
                                          std::move(body), status});
}

// Where a failed upload is shown: JSON to the page's script (Accept: application/json),
// else the page with the error next to the document (or on top for an unknown type).
crm::Status SendUploadError(Context& ctx, crm::Request& request, crm::Response& response,
                            int64_t type_id, const crm::Status& error) {
  const std::string& lang = request.Caller().language;
  crm::Result<DocumentType> type = ctx.services.types().Get(type_id);
  const DocumentType* known = type.ok() ? &*type : nullptr;
  std::string text = ErrorText(ctx, lang, error, known);
  if (error.http_status() >= 500) {
    // The client only sees "try again later"; the admin's log says what broke.
    ctx.host.Log(crm::LogLevel::kError, "client-documents upload: " + error.ToString());
  }
  if (WantsJson(request)) return response.SendError(crm::Status(error.code(), text));
  return SendPage(ctx, request, response, PageError{known ? known->id : 0, text},
                  error.http_status());
}

// A stored upload: back to the document itself (issue 15.11: on a phone the confirmation was
// out of sight), as a redirect to a form post, as JSON to the page's script.
crm::Status SendUploaded(Context& ctx, crm::Request& request, crm::Response& response,
                         int64_t type_id) {
  std::string next = std::string(kAccountPage) + "?uploaded=" + std::to_string(type_id) +
                     "#cd-doc-" + std::to_string(type_id);
  if (!WantsJson(request)) return response.Redirect(next);
  return response.SendJson("{\"ok\":true,\"redirect\":" + JsonQuote(next) + ",\"message\":" +
                           JsonQuote(ctx.texts.Get(request.Caller().language, "area.uploaded_ok")) +
                           "}");
}

// GET /account/documents: the page of every document of the caller.
crm::Status ShowPage(Context& ctx, crm::Request& request, crm::Response& response) {
  return SendPage(ctx, request, response, std::nullopt, 200);
}

// POST /account/documents/{type_id}: multipart with `file` part(s) and one part per
// extra field, for the session's client. Answers JSON to the page's script, and a
// redirect (or the page with the error in place) to a plain form post.
crm::Status Upload(Context& ctx, crm::Request& request, crm::Response& response) {
  const crm::Principal& caller = request.Caller();
  std::optional<int64_t> type_id = crm::text::ParseId(request.PathParam("type_id"));
  if (!type_id) return SendUploadError(ctx, request, response, 0, crm::NotFound("no such type"));
  crm::Result<UploadOutcome> outcome =
      UploadDocument(ctx.services, caller, UploadRequestOf(request, caller.client_id, *type_id));
  if (!outcome.ok()) return SendUploadError(ctx, request, response, *type_id, outcome.status());
  return SendUploaded(ctx, request, response, *type_id);
}

// POST /account/documents/{type_id}/add: multipart with the `file` part(s) still missing from the
// current document (issue 15.13); answers as Upload does.
crm::Status AddFiles(Context& ctx, crm::Request& request, crm::Response& response) {
  const crm::Principal& caller = request.Caller();
  std::optional<int64_t> type_id = crm::text::ParseId(request.PathParam("type_id"));
  if (!type_id) return SendUploadError(ctx, request, response, 0, crm::NotFound("no such type"));
  crm::Result<ClientDocument> added =
      AddDocumentFiles(ctx.services, caller, UploadRequestOf(request, caller.client_id, *type_id));
  if (!added.ok()) return SendUploadError(ctx, request, response, *type_id, added.status());
  return SendUploaded(ctx, request, response, *type_id);
}

// POST /account/documents/{type_id}/comments (form field `body`), for the session's client.
crm::Status PostComment(Context& ctx, crm::Request& request, crm::Response& response) {
  const crm::Principal& caller = request.Caller();
  std::optional<int64_t> type_id = crm::text::ParseId(request.PathParam("type_id"));
  if (!type_id) return SendUploadError(ctx, request, response, 0, crm::NotFound("no such type"));
  crm::Result<Comment> added = AddComment(ctx.services, caller, caller.client_id, *type_id,
                                          request.FormValue("body").value_or(""));
  if (!added.ok()) return SendUploadError(ctx, request, response, *type_id, added.status());
  return response.Redirect(std::string(kAccountPage) + "#cd-doc-" + std::to_string(*type_id));
}

// GET /account/documents/{type_id}/files/{file_id}: one of the client's current files.
crm::Status Download(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> type_id = crm::text::ParseId(request.PathParam("type_id"));
  std::optional<int64_t> file_id = crm::text::ParseId(request.PathParam("file_id"));
  if (!type_id || !file_id) return crm::NotFound("no such file");
  const crm::Principal& caller = request.Caller();
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply file,
                       DownloadFile(ctx.services, caller, caller.client_id, *type_id, *file_id,
                                    request.Query("inline").has_value()));
  return response.SendObject(file);
}

// GET /account/documents/thumbnails/{file_id}.
crm::Status Thumbnail(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> file_id = crm::text::ParseId(request.PathParam("file_id"));
  if (!file_id) return crm::NotFound("no such thumbnail");
  const crm::Principal& caller = request.Caller();
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply file,
                       DownloadThumbnail(ctx.services, caller, caller.client_id, *file_id));
  return response.SendObject(file);
}

}  // namespace

crm::Status RegisterClientArea(crm::Registrar& registrar, const ContextPtr& ctx) {
  const crm::Audience client{crm::Audience::Kind::kClient, "", ""};
  const std::string page = kAccountPage;
  crm::AccountHomeSection home;
  home.id = "missing";
  home.render = [ctx](const crm::Principal& client, std::string_view lang) {
    return HomeSection(*ctx, client, lang);
  };
  CRM_RETURN_IF_ERROR(registrar.AddAccountHomeSection(std::move(home)));
  return AddPageRoutes(registrar, ctx,
                       {
                           {"GET", page, client, 0, ShowPage},
                           {"POST", page + "/{type_id}", client, kUploadBodyLimit, Upload},
                           {"POST", page + "/{type_id}/add", client, kUploadBodyLimit, AddFiles},
                           {"POST", page + "/{type_id}/comments", client, 1 << 16, PostComment},
                           {"GET", page + "/{type_id}/files/{file_id}", client, 0, Download},
                           {"GET", page + "/thumbnails/{file_id}", client, 0, Thumbnail},
                       });
}

}  // namespace cd::hooks
