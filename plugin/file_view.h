// plugin/file_view.h — "view only" (issue 12, PT2): a stored file shown IN a page rather than
// sent: an image as itself, a PDF as its pages rendered to PNG on the server (pdf_pages.h), any
// other kind not at all. The portal's shared files (portal/viewer.h) and a link's requested
// documents (links/link_use_cases.h) use these after their own access checks.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/services.h"

namespace cd {

// Pictures shown at most on one page; the page says how many more there are.
inline constexpr int kMaxShownPages = 30;

enum class ViewKind {
  kImage,   // JPEG, PNG, WebP: one picture, the file itself
  kPdf,     // its pages as pictures
  kOther,   // never shown in a page (HEIC...): a message, no file
  kBroken,  // a PDF poppler cannot read: a message, no file
};

// What a page can show of one file.
struct FileShown {
  ViewKind kind = ViewKind::kOther;
  int pages = 0;  // a PDF's pages (1 for an image)
  int shown = 0;  // the pictures the page shows: min(pages, kMaxShownPages)
};

// The kind of `mime`; a PDF's pages counted (poppler in a sandbox): kBroken when it cannot be
// read; every render slot busy: kUnavailable; the store's errors as they are.
crm::Result<FileShown> ShowStoredFile(Services& sv, std::string_view key, std::string_view mime);

// One picture of a file's page, journaling nothing: page `page` of a PDF as PNG bytes, or, for
// page 1 of an image, the stored image itself (inline).
struct PagePicture {
  std::string png;                        // a PDF page
  std::optional<crm::ObjectReply> image;  // an image file
};
// `file` is the file's reply (key, mime, name, etag). kNotFound for a page it does not have or
// beyond kMaxShownPages, and for any other kind; kUnprocessable when poppler fails on it.
crm::Result<PagePicture> StoredFilePicture(Services& sv, crm::ObjectReply file, int page);

}  // namespace cd
