// hooks/client_area.cc — CD2: the reserved-area page "My documents" (/account/documents), the
// client's uploads, and downloads of the client's own files and thumbnails. The client's id
// always comes from the session (Caller), never from the URL.
#include <optional>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/view.h"
#include "plugin/document_service.h"
#include "plugin/settings_store.h"
#include "plugin/upload_pipeline.h"

namespace cd::hooks {

namespace {

// An upload error to show next to one document.
struct PageError {
  int64_t type_id = 0;
  std::string text;
};

// The page of every document of the caller, with an optional error next to one of them.
crm::Result<std::string> RenderPage(Context& ctx, crm::Request& request,
                                    const std::optional<PageError>& error) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  crm::Result<std::vector<ClientDocument>> docs =
      ctx.services.documents().List(caller, caller.client_id);
  if (!docs.ok()) return docs.status();
  crm::Result<Settings> settings = ctx.services.settings().Get();
  if (!settings.ok()) return settings.status();

  std::optional<int64_t> just_uploaded = ParseId(request.Query("uploaded"));
  DataList items;
  for (const ClientDocument& doc : *docs) {
    // Archived types stay listed only while the client holds a document of them.
    if (!doc.type.active && doc.status == DocumentStatus::kMissing) continue;
    std::string doc_url = std::string(kAccountPage) + "/" + std::to_string(doc.type.id);
    Data d = DocumentData(ctx, lang, doc, doc_url, std::string(kAccountPage) + "/thumbnails");
    bool can_upload = doc.type.active && doc.type.upload_mode != UploadMode::kAdminOnly;
    d.set("can_upload", can_upload);
    d.set("upload_url", doc_url + "?_csrf=" + UrlEncode(caller.csrf_token));
    d.set("just_uploaded", just_uploaded && *just_uploaded == doc.type.id);
    if (error && error->type_id == doc.type.id) {
      d.set("has_error", true);
      d.set("error", error->text);
    } else {
      d.set("has_error", false);
    }
    items.push_back(std::move(d));
  }
  Data data;
  const std::string& intro = settings->intro_markdown.Get(lang);
  data.set("intro_html", RenderMarkdownSafe(intro));
  data.set("has_intro", !intro.empty());
  data.set("gate", request.Query("gate").has_value());
  data.set("empty", items.empty());
  data.set("documents", items);
  // An error about no listed document (e.g. an unknown type) goes on top of the page.
  data.set("has_page_error", error && error->type_id == 0);
  data.set("page_error", error ? error->text : std::string());
  return Render(ctx, "client_area", lang, std::move(data));
}

crm::Status SendPage(Context& ctx, crm::Request& request, crm::Response& response,
                     const std::optional<PageError>& error, int status) {
  crm::Result<std::string> body = RenderPage(ctx, request, error);
  if (!body.ok()) return body.status();
  return response.SendPage(crm::PageReply{crm::PageReply::Layout::kAccount,
                                          ctx.texts.Get(request.Caller().language, "area.title"),
                                          std::move(body).value(), status});
}

// POST /account/documents/{type_id}: multipart with `file` part(s) and one part per
// extra field. Answers JSON to the page's script (Accept: application/json), and a
// redirect or the page with the error in place to a plain form post.
crm::Status HandleUpload(Context& ctx, crm::Request& request, crm::Response& response) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  const bool json = WantsJson(request);
  std::optional<int64_t> type_id = ParseId(request.PathParam("type_id"));

  auto fail = [&](const crm::Status& error, const DocumentType* type) -> crm::Status {
    std::string text = ErrorText(ctx, lang, error, type);
    if (error.http_status() >= 500) {
      // The client only sees "try again later"; the admin's log says what broke.
      ctx.host.Log(crm::LogLevel::kError, "client-documents upload: " + error.ToString());
    }
    if (json) {
      return response.SendError(crm::Status(error.code(), text));
    }
    return SendPage(ctx, request, response, PageError{type ? type->id : 0, text},
                    error.http_status());
  };

  if (!type_id) return fail(crm::NotFound("no such document type"), nullptr);
  crm::Result<DocumentType> type = ctx.services.types().Get(*type_id);
  if (!type.ok()) return fail(type.status(), nullptr);
  // Refuse before reading a byte: the client may not upload this type at all.
  if (!type->active || type->upload_mode == UploadMode::kAdminOnly) {
    return fail(crm::PermissionDenied("staff only"), &*type);
  }
  crm::Result<UploadInput> input = ReceiveMultipart(request, *type, ctx.services.files());
  if (!input.ok()) return fail(input.status(), &*type);
  crm::Result<ClientDocument> doc = ctx.services.documents().Upload(
      caller, caller.client_id, *type_id, std::move(input).value());
  if (!doc.ok()) return fail(doc.status(), &*type);

  std::string next = std::string(kAccountPage) + "?uploaded=" + std::to_string(*type_id);
  if (json) {
    return response.SendJson("{\"ok\":true,\"redirect\":" + JsonQuote(next) +
                             ",\"message\":" + JsonQuote(ctx.texts.Get(lang, "area.uploaded_ok")) +
                             "}");
  }
  return response.Redirect(next);
}

}  // namespace

crm::Status RegisterClientArea(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::Audience client{crm::Audience::Kind::kClient, "", ""};

  CRM_RETURN_IF_ERROR(registrar.AddRoute(crm::Route{
      "GET", kAccountPage, client,
      [ctx](crm::Request& request, crm::Response& response) {
        return SendPage(*ctx, request, response, std::nullopt, 200);
      },
      0}));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(crm::Route{
      "POST", std::string(kAccountPage) + "/{type_id}", client,
      [ctx](crm::Request& request, crm::Response& response) {
        return HandleUpload(*ctx, request, response);
      },
      kUploadBodyLimit}));

  CRM_RETURN_IF_ERROR(registrar.AddRoute(crm::Route{
      "GET", std::string(kAccountPage) + "/{type_id}/files/{file_id}", client,
      [ctx](crm::Request& request, crm::Response& response) -> crm::Status {
        std::optional<int64_t> type_id = ParseId(request.PathParam("type_id"));
        std::optional<int64_t> file_id = ParseId(request.PathParam("file_id"));
        if (!type_id || !file_id) return crm::NotFound("no such file");
        const crm::Principal& caller = request.Caller();
        crm::Result<crm::FileReply> file =
            ctx->services.documents().OpenFile(caller, caller.client_id, *type_id, *file_id);
        if (!file.ok()) return file.status();
        file->inline_view = request.Query("inline").has_value() && SafeToViewInline(file->mime);
        return response.SendFile(*file);
      },
      0}));

  return registrar.AddRoute(crm::Route{
      "GET", std::string(kAccountPage) + "/thumbnails/{file_id}", client,
      [ctx](crm::Request& request, crm::Response& response) -> crm::Status {
        std::optional<int64_t> file_id = ParseId(request.PathParam("file_id"));
        if (!file_id) return crm::NotFound("no such thumbnail");
        const crm::Principal& caller = request.Caller();
        crm::Result<crm::FileReply> file =
            ctx->services.documents().OpenThumbnail(caller, caller.client_id, *file_id);
        if (!file.ok()) return file.status();
        file->inline_view = true;
        return response.SendFile(*file);
      },
      0});
}

}  // namespace cd::hooks
