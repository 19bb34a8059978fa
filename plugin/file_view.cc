// plugin/file_view.cc — a stored file shown in a page (file_view.h).
#include "plugin/file_view.h"

#include <algorithm>

#include "plugin/pdf_pages.h"

namespace cd {
namespace {

ViewKind KindOf(std::string_view mime) {
  if (mime == "application/pdf") return ViewKind::kPdf;
  if (mime == "image/jpeg" || mime == "image/png" || mime == "image/webp") return ViewKind::kImage;
  return ViewKind::kOther;
}

PdfPages PagesOf(Services& sv) { return PdfPages(sv.files().root() / "tmp", sv.files().objects()); }

}  // namespace

crm::Result<FileShown> ShowStoredFile(Services& sv, std::string_view key, std::string_view mime) {
  FileShown shown;
  shown.kind = KindOf(mime);
  if (shown.kind == ViewKind::kImage) shown.pages = 1;
  if (shown.kind == ViewKind::kPdf) {
    crm::Result<int> pages = PagesOf(sv).PageCount(key);
    if (!pages.ok() && pages.status().code() != crm::StatusCode::kUnprocessable)
      return pages.status();
    if (pages.ok()) shown.pages = *pages;
    if (!pages.ok()) shown.kind = ViewKind::kBroken;
  }
  shown.shown = std::min(shown.pages, kMaxShownPages);
  return shown;
}

crm::Result<PagePicture> StoredFilePicture(Services& sv, crm::ObjectReply file, int page) {
  if (page < 1 || page > kMaxShownPages) return crm::NotFound("no such page");
  PagePicture picture;
  const ViewKind kind = KindOf(file.mime);
  if (kind == ViewKind::kImage) {
    if (page != 1) return crm::NotFound("no such page");
    file.inline_view = true;
    picture.image = std::move(file);
    return picture;
  }
  if (kind != ViewKind::kPdf) return crm::NotFound("no such page");
  CRM_ASSIGN_OR_RETURN(picture.png, PagesOf(sv).RenderPage(file.key, page));
  return picture;
}

}  // namespace cd
