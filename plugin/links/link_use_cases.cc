// plugin/links/link_use_cases.cc — a link session's actions (link_use_cases.h).
#include "plugin/links/link_use_cases.h"

#include "plugin/journal/journal.h"

namespace cd {
namespace {

crm::Status NeedType(const LinkSession& s, int64_t type_id) {
  if (!s.grant.CoversType(type_id)) return crm::NotFound("no such document");
  return crm::Status::Ok();
}

crm::Status NeedRight(const LinkSession& s, std::string_view right) {
  if (!s.grant.Has(right))
    return crm::PermissionDenied("this link does not allow " + std::string(right));
  return crm::Status::Ok();
}

// The type of a current file of the link's client; kNotFound for any other file.
crm::Result<int64_t> CurrentFileType(Services& sv, const LinkSession& s, int64_t file_id) {
  CRM_ASSIGN_OR_RETURN(auto row, sv.host().Db().QueryOne(
                                     "SELECT type_id FROM cd_files WHERE id = ? AND client_id = ?"
                                     " AND document_id IS NOT NULL",
                                     {file_id, s.grant.client_id}));
  if (!row) return crm::NotFound("no such file");
  return row->Int(0);
}

// A current file in scope that the link may see ("view" or "download"), with its type; not
// journaled (the caller says what was done with it).
crm::Result<LinkFileView> SeenFile(Services& sv, const LinkSession& s, int64_t file_id) {
  LinkFileView view;
  CRM_ASSIGN_OR_RETURN(view.type_id, CurrentFileType(sv, s, file_id));
  CRM_RETURN_IF_ERROR(NeedType(s, view.type_id));
  if (!s.grant.Has("download")) CRM_RETURN_IF_ERROR(NeedRight(s, "view"));
  CRM_ASSIGN_OR_RETURN(
      view.file, sv.documents().OpenFile(s.principal, s.grant.client_id, view.type_id, file_id));
  return view;
}

}  // namespace

crm::Result<std::vector<ClientDocument>> LinkDocuments(Services& sv, const LinkSession& s) {
  CRM_ASSIGN_OR_RETURN(std::vector<ClientDocument> docs,
                       ListDocuments(sv, s.principal, s.grant.client_id));
  std::vector<ClientDocument> out;
  for (ClientDocument& doc : docs)
    if (s.grant.CoversType(doc.type.id)) out.push_back(std::move(doc));
  return out;
}

crm::Result<crm::ObjectReply> LinkFile(Services& sv, const LinkSession& s, int64_t file_id,
                                       LinkFileUse use) {
  CRM_ASSIGN_OR_RETURN(int64_t type_id, CurrentFileType(sv, s, file_id));
  CRM_RETURN_IF_ERROR(NeedType(s, type_id));
  if (use == LinkFileUse::kDownload) {
    CRM_RETURN_IF_ERROR(NeedRight(s, "download"));
    return DownloadFile(sv, s.principal, s.grant.client_id, type_id, file_id, false);
  }
  if (!s.grant.Has("download")) CRM_RETURN_IF_ERROR(NeedRight(s, "view"));
  if (use == LinkFileUse::kThumbnail)
    return DownloadThumbnail(sv, s.principal, s.grant.client_id, file_id);
  // A PDF inline opens the browser's viewer, which downloads: without "download", only images
  // go out as themselves (the page of LinkViewFile shows a PDF's pages as pictures).
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply file,
                       sv.documents().OpenFile(s.principal, s.grant.client_id, type_id, file_id));
  if (!s.grant.Has("download") && file.mime.rfind("image/", 0) != 0)
    return crm::PermissionDenied("without download, this file is shown as pictures only");
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply,
                       DownloadFile(sv, s.principal, s.grant.client_id, type_id, file_id, true));
  // A kind never shown inline would go out as an attachment: view-only must not download.
  if (!reply.inline_view) return crm::PermissionDenied("this kind of file can only be downloaded");
  return reply;
}

crm::Result<LinkFileView> LinkViewFile(Services& sv, const LinkSession& s, int64_t file_id) {
  CRM_ASSIGN_OR_RETURN(LinkFileView view, SeenFile(sv, s, file_id));
  CRM_ASSIGN_OR_RETURN(view.shown, ShowStoredFile(sv, view.file.key, view.file.mime));
  if (view.shown.shown == 0) return view;
  JournalRecord viewed;
  viewed.action = "viewed";
  viewed.client_id = s.grant.client_id;
  viewed.object = DocumentObject(view.type_id);
  viewed.detail = "sha256=" + view.file.etag + " pages=" + std::to_string(view.shown.pages);
  CRM_RETURN_IF_ERROR(sv.journal().Append(s.principal, viewed));
  return view;
}

crm::Result<PagePicture> LinkFilePicture(Services& sv, const LinkSession& s, int64_t file_id,
                                         int page) {
  CRM_ASSIGN_OR_RETURN(LinkFileView view, SeenFile(sv, s, file_id));
  return StoredFilePicture(sv, std::move(view.file), page);
}

crm::Result<UploadOutcome> LinkUpload(Services& sv, const LinkSession& s, crm::Request& request,
                                      int64_t type_id) {
  CRM_RETURN_IF_ERROR(NeedType(s, type_id));
  CRM_RETURN_IF_ERROR(NeedRight(s, "upload"));
  return UploadDocument(sv, s.principal, UploadRequestOf(request, s.grant.client_id, type_id));
}

crm::Result<Comment> LinkComment(Services& sv, const LinkSession& s, int64_t type_id,
                                 std::string_view body) {
  CRM_RETURN_IF_ERROR(NeedType(s, type_id));
  CRM_RETURN_IF_ERROR(NeedRight(s, "comment"));
  return AddComment(sv, s.principal, s.grant.client_id, type_id, body);
}

crm::Result<std::vector<Comment>> LinkComments(Services& sv, const LinkSession& s,
                                               int64_t type_id) {
  CRM_RETURN_IF_ERROR(NeedType(s, type_id));
  if (!s.grant.Has("comment") && !s.grant.Has("download"))
    CRM_RETURN_IF_ERROR(NeedRight(s, "view"));
  return ListComments(sv, s.principal, s.grant.client_id, type_id);
}

}  // namespace cd
