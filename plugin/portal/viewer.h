// plugin/portal/viewer.h — "view only" (issue 12, PT2): a shared file shown IN a page rather
// than sent: an image as itself, a PDF as its pages rendered to PNG on the server (pdf_pages.h),
// any other kind not at all. The client's "Shared with me" and a link session (link_use_cases.h)
// both use these; the page itself is hooks/shared_view.h's SharedFilePageHtml.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/portal/use_cases.h"
#include "plugin/services.h"

namespace cd {

// Pages shown at most; the page says how many more there are.
inline constexpr int kMaxShownPages = 30;

enum class ViewKind {
  kImage,   // JPEG, PNG, WebP: one picture, the file itself
  kPdf,     // its pages as pictures
  kOther,   // never shown in a page (HEIC...): a message, no file
  kBroken,  // a PDF poppler cannot read: a message, no file
};

struct SharedFileView {
  SharedDocument document;
  SharedFile file;
  ViewKind kind = ViewKind::kOther;
  int pages = 0;  // a PDF's pages (1 for an image)
  int shown = 0;  // the pictures the page shows: min(pages, kMaxShownPages)
};

// CheckRead (GetShared: another client's document is kNotFound), then file `file_id` of that
// document (kNotFound). A PDF's pages are counted (poppler in a sandbox; every slot busy:
// kUnavailable). An image or a readable PDF is journaled "viewed" once, here; nothing else is.
crm::Result<SharedFileView> ViewSharedFile(Services& sv, const crm::Principal& actor,
                                           int64_t client_id, int64_t shared_id, int64_t file_id);

// One picture of that page, journaling nothing: page `page` of a PDF as PNG bytes, or, for page
// 1 of an image, the stored image itself (inline). kNotFound for a page it does not have or
// beyond kMaxShownPages, and for any other kind; kUnprocessable when poppler fails on it.
struct SharedPagePicture {
  std::string png;                        // a PDF page
  std::optional<crm::ObjectReply> image;  // an image file
};
crm::Result<SharedPagePicture> SharedFilePage(Services& sv, const crm::Principal& actor,
                                              int64_t client_id, int64_t shared_id, int64_t file_id,
                                              int page);

}  // namespace cd
