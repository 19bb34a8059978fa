// hooks/profile_tab.cc — CD5: the "Documents" tab of the admin client profile and the admin
// routes behind its forms (upload on the client's behalf, replace, delete, edit the extra
// data, files and archive). Every action goes through the DocumentService (rules, timeline).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/page_routes.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/documents/use_cases.h"
#include "plugin/reminders/reminders.h"
#include "plugin/review/use_cases.h"

namespace cd::hooks {

namespace {

std::string ClientBase(int64_t client_id) {
  return std::string(kAdminPrefix) + "/clients/" + std::to_string(client_id);
}

// Flash messages are codes in the redirect's query, turned into catalog texts here, so
// a crafted link can never put arbitrary words on an admin's page.
std::optional<std::string_view> FlashKey(std::string_view code) {
  if (code == "uploaded") return "admin.flash_uploaded";
  if (code == "files_added") return "admin.flash_files_added";
  if (code == "deleted") return "admin.flash_deleted";
  if (code == "fields_saved") return "admin.flash_fields_saved";
  if (code == "reviewed") return "review.flash_reviewed";
  if (code == "commented") return "comments.flash_added";
  if (code == "reminders_paused") return "reminders.flash_paused";
  if (code == "reminders_resumed") return "reminders.flash_resumed";
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

// One archived version of `type`: dates, who (as `caller` reads it; `client_name` for the
// client's own uploads), why, its files (download links under `base`) and its field values
// labelled in the caller's language.
Data VersionData(Context& ctx, const crm::Principal& caller, const std::string& client_name,
                 const DocumentType& type, const ArchivedVersion& v, const std::string& base) {
  const std::string& lang = caller.language;
  Data a;
  a.set("uploaded_at", FormatDate(ctx.host, lang, v.uploaded_at));
  a.set("uploaded_by", UploaderName(ctx, caller, v.uploaded_by, client_name));
  a.set("archived_at", FormatDate(ctx.host, lang, v.archived_at));
  a.set("archived_by", UploaderName(ctx, caller, v.archived_by, client_name));
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
    for (const FieldDef& def : type.fields) {
      if (def.key == key) label = def.label.Get(lang);
    }
    fv.set("label", label);
    fv.set("value", value);
    values.push_back(std::move(fv));
  }
  a.set("fields", values);
  return a;
}

// What the tab shows about one document: its data, its action URLs (under `base`; each form
// carries the CSRF token as its first field, never in its URL), the error of the last action
// when it was about this type.
Data TabDocumentData(Context& ctx, const crm::Principal& caller, const ClientDocument& doc,
                     const std::string& client_name, const std::string& base,
                     std::optional<crm::StatusCode> error) {
  const std::string& lang = caller.language;
  const std::string doc_url = base + "/documents/" + std::to_string(doc.type.id);
  Data d = DocumentData(ctx, lang, doc, doc_url, base + "/thumbnails");
  d.set("inactive", !doc.type.active);
  d.set("can_write", caller.HasPermission(kPermWrite));
  d.set("upload_url", doc_url);
  // Issue 15.13: staff complete a document with fewer files than its type takes.
  d.set("can_add", HasRoomForFiles(doc) && caller.HasPermission(kPermWrite));
  d.set("add_url", doc_url + "/add");
  d.set("fields_url", doc_url + "/fields");
  d.set("delete_url", doc_url + "/delete");
  d.set("review_url", doc_url + "/review");
  d.set("comment_url", doc_url + "/comments");
  d.set("uploaded_by_text", UploadedByText(ctx, caller, doc.uploaded_by, client_name));
  d.set("has_error", error.has_value());
  if (error) d.set("error", ErrorText(ctx, lang, crm::Status(*error, ""), &doc.type));
  return d;
}

crm::Result<std::string> RenderTab(Context& ctx, const crm::ClientInfo& client,
                                   crm::Request& request) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  CRM_ASSIGN_OR_RETURN(std::vector<ClientDocument> docs,
                       ListDocuments(ctx.services, caller, client.id));

  // The last action's error: its code and the type it was about.
  std::optional<int64_t> error_type = crm::text::ParseId(request.Query("type"));
  std::optional<crm::StatusCode> error_code;
  if (auto e = request.Query("error")) error_code = ParseErrorCode(*e);

  const std::string base = ClientBase(client.id);
  DataList items;
  for (const ClientDocument& doc : docs) {
    const bool has_error = error_code && error_type && *error_type == doc.type.id;
    Data d = TabDocumentData(ctx, caller, doc, client.DisplayName(), base,
                             has_error ? error_code : std::nullopt);
    CRM_ASSIGN_OR_RETURN(std::vector<ArchivedVersion> archive,
                         ListDocumentVersions(ctx.services, caller, client.id, doc.type.id));
    DataList versions;
    for (const ArchivedVersion& v : archive) {
      versions.push_back(VersionData(ctx, caller, client.DisplayName(), doc.type, v, base));
    }
    d.set("has_archive", !versions.empty());
    CRM_ASSIGN_OR_RETURN(std::vector<Comment> comments,
                         ListComments(ctx.services, caller, client.id, doc.type.id));
    SetCommentsData(ctx, lang, comments, d);
    d.set("csrf", caller.csrf_token);
    d.set("archive", versions);
    items.push_back(std::move(d));
  }

  Data data;
  data.set("documents", items);
  data.set("empty", items.empty());
  data.set("can_write", caller.HasPermission(kPermWrite));
  data.set("can_manage_types", caller.HasPermission(kPermSettings));
  data.set("settings_url", kSettingsPath);
  std::optional<std::string_view> flash;
  if (auto f = request.Query("flash")) flash = FlashKey(*f);
  data.set("has_flash", flash.has_value());
  data.set("flash", flash ? ctx.texts.Get(lang, *flash) : std::string());
  data.set("client_name", client.DisplayName());
  // PT6: this client's reminders, on or paused (staff with documents.write toggle them).
  CRM_ASSIGN_OR_RETURN(ReminderPause pause, GetReminderPause(ctx.services, caller, client.id));
  data.set("reminders_paused", pause.paused);
  data.set("reminders_url", base + "/reminders");
  data.set("csrf", caller.csrf_token);
  return Render(ctx, "profile_tab", lang, std::move(data));
}

// The client and type of an admin route, as parsed from the path.
struct Target {
  int64_t client_id = 0;
  int64_t type_id = 0;
};

std::optional<Target> ParseTarget(crm::Request& request) {
  std::optional<int64_t> client_id = crm::text::ParseId(request.PathParam("client_id"));
  std::optional<int64_t> type_id = crm::text::ParseId(request.PathParam("type_id"));
  if (!client_id || !type_id) return std::nullopt;
  return Target{*client_id, *type_id};
}

// Back to the tab: with a flash code on success, the error's code (and the type it is
// about) on failure. Errors that are bugs are logged; the admin sees a generic text.
// The upload form's script asks for JSON (Accept: application/json) to show progress; it
// gets where to go next, or the error's text in the admin's language.
crm::Status BackToTab(Context& ctx, crm::Request& request, crm::Response& response,
                      const Target& target, const crm::Status& status, std::string_view flash) {
  const bool json = WantsJson(request);
  if (json && !status.ok()) {
    crm::Result<DocumentType> type = ctx.services.types().Get(target.type_id);
    return response.SendError(crm::Status(
        status.code(),
        ErrorText(ctx, request.Caller().language, status, type.ok() ? &*type : nullptr)));
  }
  std::string location = ProfileTabPath(target.client_id);
  if (status.ok()) {
    location += "?flash=" + std::string(flash);
  } else {
    if (status.code() == crm::StatusCode::kInternal ||
        status.code() == crm::StatusCode::kUnavailable) {
      ctx.host.Log(crm::LogLevel::kError, "client-documents admin action: " + status.ToString());
    }
    location += "?error=" + std::string(crm::ErrorCodeName(status.code())) +
                "&type=" + std::to_string(target.type_id);
  }
  location += "#cd-doc-" + std::to_string(target.type_id);
  if (json) return response.SendJson("{\"ok\":true,\"redirect\":" + JsonQuote(location) + "}");
  return response.Redirect(location);
}

// POST …/clients/{client_id}/documents/{type_id}: upload or replace on the client's behalf.
crm::Status Upload(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<Target> target = ParseTarget(request);
  if (!target) return crm::NotFound("no such document");
  crm::Status status = UploadDocument(ctx.services, request.Caller(),
                                      UploadRequestOf(request, target->client_id, target->type_id))
                           .status();
  return BackToTab(ctx, request, response, *target, status, "uploaded");
}

// POST …/documents/{type_id}/add: the files still missing from the current document (issue
// 15.13), the same use case as the client area's and the API's.
crm::Status AddFiles(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<Target> target = ParseTarget(request);
  if (!target) return crm::NotFound("no such document");
  crm::Status status =
      AddDocumentFiles(ctx.services, request.Caller(),
                       UploadRequestOf(request, target->client_id, target->type_id))
          .status();
  return BackToTab(ctx, request, response, *target, status, "files_added");
}

// POST …/documents/{type_id}/fields: the extra data of the current document.
crm::Status EditFields(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<Target> target = ParseTarget(request);
  if (!target) return crm::NotFound("no such document");
  std::map<std::string, std::string> fields;
  for (const auto& [name, value] : request.Form()) fields[name] = value;
  crm::Status status =
      EditDocumentFields(ctx.services, request.Caller(), target->client_id, target->type_id, fields)
          .status();
  return BackToTab(ctx, request, response, *target, status, "fields_saved");
}

// POST …/documents/{type_id}/delete: the current document goes to the archive.
crm::Status Delete(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<Target> target = ParseTarget(request);
  if (!target) return crm::NotFound("no such document");
  crm::Status status =
      DeleteDocument(ctx.services, request.Caller(), target->client_id, target->type_id);
  return BackToTab(ctx, request, response, *target, status, "deleted");
}

// POST …/documents/{type_id}/review: approve, or reject with a reason (PT5).
crm::Status Review(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<Target> target = ParseTarget(request);
  if (!target) return crm::NotFound("no such document");
  ReviewDecision decision{request.FormValue("decision").value_or(""),
                          request.FormValue("reason").value_or("")};
  crm::Status status =
      ReviewDocument(ctx.services, request.Caller(), target->client_id, target->type_id, decision)
          .status();
  return BackToTab(ctx, request, response, *target, status, "reviewed");
}

// POST …/documents/{type_id}/comments: a staff comment (form field `body`).
crm::Status PostStaffComment(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<Target> target = ParseTarget(request);
  if (!target) return crm::NotFound("no such document");
  crm::Status status = AddComment(ctx.services, request.Caller(), target->client_id,
                                  target->type_id, request.FormValue("body").value_or(""))
                           .status();
  return BackToTab(ctx, request, response, *target, status, "commented");
}

// POST …/clients/{client_id}/reminders (form `paused` = 1 or 0): PT6's pause for one client.
crm::Status PauseReminders(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> client_id = crm::text::ParseId(request.PathParam("client_id"));
  if (!client_id) return crm::NotFound("no such client");
  const bool paused = request.FormValue("paused").value_or("") == "1";
  CRM_RETURN_IF_ERROR(
      SetReminderPause(ctx.services, request.Caller(), *client_id, paused).status());
  return response.Redirect(ProfileTabPath(*client_id) +
                           "?flash=" + (paused ? "reminders_paused" : "reminders_resumed"));
}

crm::Status SendFileResult(crm::Result<crm::ObjectReply> file, crm::Response& response) {
  if (!file.ok()) return file.status();
  return response.SendObject(*file);
}

// GET …/documents/{type_id}/files/{file_id} (?inline to view).
crm::Status Download(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<Target> target = ParseTarget(request);
  std::optional<int64_t> file_id = crm::text::ParseId(request.PathParam("file_id"));
  if (!target || !file_id) return crm::NotFound("no such file");
  return SendFileResult(
      DownloadFile(ctx.services, request.Caller(), target->client_id, target->type_id, *file_id,
                   request.Query("inline").has_value()),
      response);
}

// GET …/clients/{client_id}/archive/files/{file_id}: always an attachment.
crm::Status DownloadArchived(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> client_id = crm::text::ParseId(request.PathParam("client_id"));
  std::optional<int64_t> file_id = crm::text::ParseId(request.PathParam("file_id"));
  if (!client_id || !file_id) return crm::NotFound("no such file");
  return SendFileResult(DownloadArchivedFile(ctx.services, request.Caller(), *client_id, *file_id),
                        response);
}

// GET …/clients/{client_id}/thumbnails/{file_id}.
crm::Status Thumbnail(Context& ctx, crm::Request& request, crm::Response& response) {
  std::optional<int64_t> client_id = crm::text::ParseId(request.PathParam("client_id"));
  std::optional<int64_t> file_id = crm::text::ParseId(request.PathParam("file_id"));
  if (!client_id || !file_id) return crm::NotFound("no such thumbnail");
  return SendFileResult(DownloadThumbnail(ctx.services, request.Caller(), *client_id, *file_id),
                        response);
}

}  // namespace

crm::Status RegisterProfileTab(crm::Registrar& registrar, const ContextPtr& ctx) {
  CRM_RETURN_IF_ERROR(registrar.AddProfileTab(
      crm::ProfileTab{kTabId, "client-documents.tab.title", kPermRead,
                      [ctx](const crm::ClientInfo& client, crm::Request& request) {
                        return RenderTab(*ctx, client, request);
                      },
                      crm::kDefaultPriority}));

  const crm::Audience reader{crm::Audience::Kind::kAdmin, kPermRead, ""};
  const crm::Audience writer{crm::Audience::Kind::kAdmin, kPermWrite, ""};
  const std::string client = std::string(kAdminPrefix) + "/clients/{client_id}";
  const std::string doc = client + "/documents/{type_id}";
  return AddPageRoutes(
      registrar, ctx,
      {
          {"POST", doc, writer, kUploadBodyLimit, Upload},
          {"POST", doc + "/add", writer, kUploadBodyLimit, AddFiles},
          {"POST", doc + "/fields", writer, 1 << 20, EditFields},
          {"POST", doc + "/delete", writer, 1 << 16, Delete},
          {"POST", doc + "/review", writer, 1 << 16, Review},
          {"POST", doc + "/comments", writer, 1 << 16, PostStaffComment},
          {"POST", client + "/reminders", writer, 1 << 16, PauseReminders},
          {"GET", doc + "/files/{file_id}", reader, 0, Download},
          {"GET", client + "/archive/files/{file_id}", reader, 0, DownloadArchived},
          {"GET", client + "/thumbnails/{file_id}", reader, 0, Thumbnail},
      });
}

}  // namespace cd::hooks
