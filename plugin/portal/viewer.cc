// plugin/portal/viewer.cc — a shared file shown in a page (viewer.h).
#include "plugin/portal/viewer.h"

#include <algorithm>

#include "plugin/journal/journal.h"
#include "plugin/portal/pdf_pages.h"

namespace cd {
namespace {

ViewKind KindOf(const std::string& mime) {
  if (mime == "application/pdf") return ViewKind::kPdf;
  if (mime == "image/jpeg" || mime == "image/png" || mime == "image/webp") return ViewKind::kImage;
  return ViewKind::kOther;
}

PdfPages PagesOf(Services& sv) { return PdfPages(sv.files().root() / "tmp", sv.files().objects()); }

// The shared document and its file `file_id` (kNotFound when it has no such file).
crm::Result<SharedFileView> Load(Services& sv, const crm::Principal& actor, int64_t client_id,
                                 int64_t shared_id, int64_t file_id) {
  CRM_ASSIGN_OR_RETURN(SharedDocument doc, GetShared(sv, actor, client_id, shared_id));
  for (const SharedFile& f : doc.files) {
    if (f.id != file_id) continue;
    SharedFileView view;
    view.file = f;
    view.kind = KindOf(f.mime);
    view.document = std::move(doc);
    return view;
  }
  return crm::NotFound("no such file");
}

}  // namespace

crm::Result<SharedFileView> ViewSharedFile(Services& sv, const crm::Principal& actor,
                                           int64_t client_id, int64_t shared_id, int64_t file_id) {
  CRM_ASSIGN_OR_RETURN(SharedFileView view, Load(sv, actor, client_id, shared_id, file_id));
  if (view.kind == ViewKind::kImage) view.pages = 1;
  if (view.kind == ViewKind::kPdf) {
    crm::Result<int> pages = PagesOf(sv).PageCount(view.file.storage_key);
    if (!pages.ok() && pages.status().code() != crm::StatusCode::kUnprocessable)
      return pages.status();
    if (pages.ok()) view.pages = *pages;
    if (!pages.ok()) view.kind = ViewKind::kBroken;
  }
  view.shown = std::min(view.pages, kMaxShownPages);
  if (view.shown == 0) return view;
  JournalRecord viewed;
  viewed.action = "viewed";
  viewed.client_id = client_id;
  viewed.object = "shared:" + std::to_string(shared_id);
  viewed.detail = "sha256=" + view.file.sha256 + " pages=" + std::to_string(view.pages);
  CRM_RETURN_IF_ERROR(sv.journal().Append(actor, viewed));
  return view;
}

crm::Result<SharedPagePicture> SharedFilePage(Services& sv, const crm::Principal& actor,
                                              int64_t client_id, int64_t shared_id, int64_t file_id,
                                              int page) {
  CRM_ASSIGN_OR_RETURN(SharedFileView view, Load(sv, actor, client_id, shared_id, file_id));
  if (page < 1 || page > kMaxShownPages) return crm::NotFound("no such page");
  SharedPagePicture picture;
  if (view.kind == ViewKind::kImage) {
    if (page != 1) return crm::NotFound("no such page");
    CRM_ASSIGN_OR_RETURN(crm::ObjectReply reply, sv.files().ReplyFor(view.file.storage_key));
    reply.mime = view.file.mime;
    reply.download_name = view.file.name;
    reply.etag = view.file.sha256;
    reply.inline_view = true;
    picture.image = std::move(reply);
    return picture;
  }
  if (view.kind != ViewKind::kPdf) return crm::NotFound("no such page");
  CRM_ASSIGN_OR_RETURN(picture.png, PagesOf(sv).RenderPage(view.file.storage_key, page));
  return picture;
}

}  // namespace cd
