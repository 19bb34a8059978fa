// hooks/profile_tab.cc — CD5: the "Documents" tab of the admin client profile and the admin
// routes behind its forms (upload on the client's behalf, replace, delete, edit the extra
// data, files and archive). Every action goes through the DocumentService (rules, timeline).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/document_service.h"
#include "plugin/upload_pipeline.h"

namespace cd::hooks {

namespace {

std::string ClientBase(int64_t client_id) {
  return std::string(kAdminPrefix) + "/clients/" + std::to_string(client_id);
}

// Flash messages are codes in the redirect's query, turned into catalog texts here, so
// a crafted link can never put arbitrary words on an admin's page.
std::optional<std::string_view> FlashKey(std::string_view code) {
  if (code == "uploaded") return "admin.flash_uploaded";
  if (code == "deleted") return "admin.flash_deleted";
  if (code == "fields_saved") return "admin.flash_fields_saved";
  return std::nullopt;
}

std::optional<crm::StatusCode> ParseErrorCode(std::string_view name) {
  for (int i = 1; i <= static_cast<int>(crm::StatusCode::kInternal); ++i) {
    auto code = static_cast<crm::StatusCode>(i);
    if (crm::ErrorCodeName(code) == name) return code;
  }
  return std::nullopt;
}

std::string ReasonKey(std::string_view reason) {
  return reason == "deleted" ? "admin.reason_deleted" : "admin.reason_replaced";
}

crm::Result<std::string> RenderTab(Context& ctx, const crm::ClientInfo& client,
                                   crm::Request& request) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  const bool can_write = caller.HasPermission(kPermWrite);
  crm::Result<std::vector<ClientDocument>> docs = ctx.services.documents().List(caller, client.id);
  if (!docs.ok()) return docs.status();

  std::optional<int64_t> error_type = ParseId(request.Query("type"));
  std::optional<crm::StatusCode> error_code;
  if (auto e = request.Query("error")) error_code = ParseErrorCode(*e);

  const std::string base = ClientBase(client.id);
  const std::string csrf = "?_csrf=" + UrlEncode(caller.csrf_token);
  DataList items;
  for (const ClientDocument& doc : *docs) {
    const int64_t type_id = doc.type.id;
    const std::string doc_url = base + "/documents/" + std::to_string(type_id);
    Data d = DocumentData(ctx, lang, doc, doc_url, base + "/thumbnails");
    d.set("inactive", !doc.type.active);
    d.set("can_write", can_write);
    d.set("upload_url", doc_url + csrf);
    d.set("fields_url", doc_url + "/fields" + csrf);
    d.set("delete_url", doc_url + "/delete" + csrf);
    d.set("uploaded_by_text",
          doc.uploaded_by.empty() ? std::string()
                                  : ctx.texts.Format(lang, "status.uploaded_by", {{"who", doc.uploaded_by}}));
    const bool has_error = error_code && error_type && *error_type == type_id;
    d.set("has_error", has_error);
    if (has_error) {
      d.set("error", ErrorText(ctx, lang, crm::Status(*error_code, ""), &doc.type));
    }

    crm::Result<std::vector<ArchivedVersion>> archive =
        ctx.services.documents().ListArchive(caller, client.id, type_id);
    if (!archive.ok()) return archive.status();
    DataList versions;
    for (const ArchivedVersion& v : *archive) {
      Data a;
      a.set("uploaded_at", FormatDate(lang, v.uploaded_at));
      a.set("uploaded_by", v.uploaded_by);
      a.set("archived_at", FormatDate(lang, v.archived_at));
      a.set("archived_by", v.archived_by);
      a.set("reason", ctx.texts.Get(lang, ReasonKey(v.reason)));
      DataList files;
      for (const StoredFile& f : v.files) {
        Data fd;
        fd.set("name", f.name);
        fd.set("size", FormatSize(lang, f.size));
        fd.set("download_url", base + "/archive/files/" + std::to_string(f.id));
        files.push_back(std::move(fd));
      }
      a.set("files", files);
      DataList values;
      for (const auto& [key, value] : v.fields) {
        Data fv;
        std::string label = key;
        for (const FieldDef& def : doc.type.fields) {
          if (def.key == key) label = def.label.Get(lang);
        }
        fv.set("label", label);
        fv.set("value", value);
        values.push_back(std::move(fv));
      }
      a.set("fields", values);
      versions.push_back(std::move(a));
    }
    d.set("has_archive", !versions.empty());
    d.set("archive", versions);
    items.push_back(std::move(d));
  }

  Data data;
  data.set("documents", items);
  data.set("empty", items.empty());
  data.set("can_write", can_write);
  data.set("can_manage_types", caller.HasPermission(kPermSettings));
  data.set("settings_url", std::string(kAdminPrefix) + "/settings");
  std::optional<std::string_view> flash;
  if (auto f = request.Query("flash")) flash = FlashKey(*f);
  data.set("has_flash", flash.has_value());
  data.set("flash", flash ? ctx.texts.Get(lang, *flash) : std::string());
  data.set("client_name", client.DisplayName());
  return Render(ctx, "profile_tab", lang, std::move(data));
}

// The client and type of an admin route, both checked to exist.
struct Target {
  int64_t client_id = 0;
  int64_t type_id = 0;
};

crm::Result<Target> ParseTarget(Context& ctx, crm::Request& request) {
  std::optional<int64_t> client_id = ParseId(request.PathParam("client_id"));
  std::optional<int64_t> type_id = ParseId(request.PathParam("type_id"));
  if (!client_id || !type_id) return crm::NotFound("no such document");
  crm::Result<crm::ClientInfo> client = ctx.host.FindClient(*client_id);
  if (!client.ok()) return client.status();
  return Target{*client_id, *type_id};
}

// Back to the tab: with a flash code on success, the error's code (and the type it is
// about) on failure. Errors that are bugs are logged; the admin sees a generic text.
// The upload form's script asks for JSON (Accept: application/json) to show progress; it
// gets where to go next, or the error's text in the admin's language.
crm::Status BackToTab(Context& ctx, crm::Request& request, crm::Response& response,
                      int64_t client_id, int64_t type_id, const crm::Status& status,
                      std::string_view flash) {
  const bool json = WantsJson(request);
  if (json && !status.ok()) {
    crm::Result<DocumentType> type = ctx.services.types().Get(type_id);
    return response.SendError(crm::Status(
        status.code(), ErrorText(ctx, request.Caller().language, status, type.ok() ? &*type : nullptr)));
  }
  std::string location = ProfileTabPath(client_id);
  if (status.ok()) {
    location += "?flash=" + std::string(flash);
  } else {
    if (status.code() == crm::StatusCode::kInternal || status.code() == crm::StatusCode::kUnavailable) {
      ctx.host.Log(crm::LogLevel::kError, "client-documents admin action: " + status.ToString());
    }
    location += "?error=" + std::string(crm::ErrorCodeName(status.code())) +
                "&type=" + std::to_string(type_id);
  }
  location += "#cd-doc-" + std::to_string(type_id);
  if (json) return response.SendJson("{\"ok\":true,\"redirect\":" + JsonQuote(location) + "}");
  return response.Redirect(location);
}

crm::Status HandleUpload(Context& ctx, crm::Request& request, crm::Response& response) {
  crm::Result<Target> target = ParseTarget(ctx, request);
  if (!target.ok()) return target.status();
  crm::Result<DocumentType> type = ctx.services.types().Get(target->type_id);
  if (!type.ok()) return type.status();
  crm::Result<UploadInput> input = ReceiveMultipart(request, *type, ctx.services.files());
  crm::Status status = input.status();
  if (input.ok()) {
    status = ctx.services.documents()
                 .Upload(request.Caller(), target->client_id, target->type_id,
                         std::move(input).value())
                 .status();
  }
  return BackToTab(ctx, request, response, target->client_id, target->type_id, status, "uploaded");
}

crm::Status HandleFields(Context& ctx, crm::Request& request, crm::Response& response) {
  crm::Result<Target> target = ParseTarget(ctx, request);
  if (!target.ok()) return target.status();
  std::map<std::string, std::string> fields;
  for (const auto& [name, value] : request.Form()) {
    if (name != "_csrf") fields[name] = value;
  }
  crm::Status status = ctx.services.documents()
                           .UpdateFields(request.Caller(), target->client_id, target->type_id, fields)
                           .status();
  return BackToTab(ctx, request, response, target->client_id, target->type_id, status, "fields_saved");
}

crm::Status HandleDelete(Context& ctx, crm::Request& request, crm::Response& response) {
  crm::Result<Target> target = ParseTarget(ctx, request);
  if (!target.ok()) return target.status();
  crm::Status status =
      ctx.services.documents().Delete(request.Caller(), target->client_id, target->type_id);
  return BackToTab(ctx, request, response, target->client_id, target->type_id, status, "deleted");
}

crm::Status SendFileResult(crm::Result<crm::FileReply> file, bool inline_view,
                           crm::Response& response) {
  if (!file.ok()) return file.status();
  file->inline_view = inline_view && SafeToViewInline(file->mime);
  return response.SendFile(*file);
}

}  // namespace

crm::Status RegisterProfileTab(crm::Registrar& registrar, const ContextPtr& ctx) {
  CRM_RETURN_IF_ERROR(registrar.AddProfileTab(crm::ProfileTab{
      kTabId, "client-documents.tab.title", kPermRead,
      [ctx](const crm::ClientInfo& client, crm::Request& request) {
        return RenderTab(*ctx, client, request);
      },
      crm::kDefaultPriority}));

  const crm::Audience reader{crm::Audience::Kind::kAdmin, kPermRead, ""};
  const crm::Audience writer{crm::Audience::Kind::kAdmin, kPermWrite, ""};
  const std::string doc = std::string(kAdminPrefix) + "/clients/{client_id}/documents/{type_id}";

  CRM_RETURN_IF_ERROR(registrar.AddRoute(crm::Route{
      "POST", doc, writer,
      [ctx](crm::Request& rq, crm::Response& rs) { return HandleUpload(*ctx, rq, rs); },
      kUploadBodyLimit}));
  CRM_RETURN_IF_ERROR(registrar.AddRoute(crm::Route{
      "POST", doc + "/fields", writer,
      [ctx](crm::Request& rq, crm::Response& rs) { return HandleFields(*ctx, rq, rs); },
      1 << 20}));
  CRM_RETURN_IF_ERROR(registrar.AddRoute(crm::Route{
      "POST", doc + "/delete", writer,
      [ctx](crm::Request& rq, crm::Response& rs) { return HandleDelete(*ctx, rq, rs); },
      1 << 16}));
  CRM_RETURN_IF_ERROR(registrar.AddRoute(crm::Route{
      "GET", doc + "/files/{file_id}", reader,
      [ctx](crm::Request& rq, crm::Response& rs) -> crm::Status {
        crm::Result<Target> target = ParseTarget(*ctx, rq);
        std::optional<int64_t> file_id = ParseId(rq.PathParam("file_id"));
        if (!target.ok()) return target.status();
        if (!file_id) return crm::NotFound("no such file");
        return SendFileResult(ctx->services.documents().OpenFile(rq.Caller(), target->client_id,
                                                                 target->type_id, *file_id),
                              rq.Query("inline").has_value(), rs);
      },
      0}));
  CRM_RETURN_IF_ERROR(registrar.AddRoute(crm::Route{
      "GET", std::string(kAdminPrefix) + "/clients/{client_id}/archive/files/{file_id}", reader,
      [ctx](crm::Request& rq, crm::Response& rs) -> crm::Status {
        std::optional<int64_t> client_id = ParseId(rq.PathParam("client_id"));
        std::optional<int64_t> file_id = ParseId(rq.PathParam("file_id"));
        if (!client_id || !file_id) return crm::NotFound("no such file");
        return SendFileResult(
            ctx->services.documents().OpenArchivedFile(rq.Caller(), *client_id, *file_id), false, rs);
      },
      0}));
  return registrar.AddRoute(crm::Route{
      "GET", std::string(kAdminPrefix) + "/clients/{client_id}/thumbnails/{file_id}", reader,
      [ctx](crm::Request& rq, crm::Response& rs) -> crm::Status {
        std::optional<int64_t> client_id = ParseId(rq.PathParam("client_id"));
        std::optional<int64_t> file_id = ParseId(rq.PathParam("file_id"));
        if (!client_id || !file_id) return crm::NotFound("no such thumbnail");
        return SendFileResult(
            ctx->services.documents().OpenThumbnail(rq.Caller(), *client_id, *file_id), true, rs);
      },
      0});
}

}  // namespace cd::hooks
