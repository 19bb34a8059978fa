// plugin/portal/viewer.cc — a shared file shown in a page (viewer.h).
#include "plugin/portal/viewer.h"

#include "plugin/journal/journal.h"

namespace cd {
namespace {

// The shared document and its file `file_id` (kNotFound when it has no such file).
crm::Result<SharedFileView> Load(Services& sv, const crm::Principal& actor, int64_t client_id,
                                 int64_t shared_id, int64_t file_id) {
  CRM_ASSIGN_OR_RETURN(SharedDocument doc, GetShared(sv, actor, client_id, shared_id));
  for (const SharedFile& f : doc.files) {
    if (f.id != file_id) continue;
    SharedFileView view;
    view.file = f;
    view.document = std::move(doc);
    return view;
  }
  return crm::NotFound("no such file");
}

}  // namespace

crm::Result<SharedFileView> ViewSharedFile(Services& sv, const crm::Principal& actor,
                                           int64_t client_id, int64_t shared_id, int64_t file_id) {
  CRM_ASSIGN_OR_RETURN(SharedFileView view, Load(sv, actor, client_id, shared_id, file_id));
  CRM_ASSIGN_OR_RETURN(view.shown, ShowStoredFile(sv, view.file.storage_key, view.file.mime));
  if (view.shown.shown == 0) return view;
  JournalRecord viewed;
  viewed.action = "viewed";
  viewed.client_id = client_id;
  viewed.object = "shared:" + std::to_string(shared_id);
  viewed.detail = "sha256=" + view.file.sha256 + " pages=" + std::to_string(view.shown.pages);
  CRM_RETURN_IF_ERROR(sv.journal().Append(actor, viewed));
  return view;
}

crm::Result<PagePicture> SharedFilePage(Services& sv, const crm::Principal& actor,
                                        int64_t client_id, int64_t shared_id, int64_t file_id,
                                        int page) {
  CRM_ASSIGN_OR_RETURN(SharedFileView view, Load(sv, actor, client_id, shared_id, file_id));
  CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply, sv.files().ReplyFor(view.file.storage_key));
  reply.mime = view.file.mime;
  reply.download_name = view.file.name;
  reply.etag = view.file.sha256;
  return StoredFilePicture(sv, std::move(reply), page);
}

}  // namespace cd
