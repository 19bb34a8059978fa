// plugin/portal/viewer.h — "view only" for shared files (issue 12, PT2; file_view.h): the page
// that shows one shared file, and its pictures. The client's "Shared with me" and a link session
// (link_use_cases.h) both use these; the page itself is hooks/shared_view.h's SharedFileViewHtml.
#pragma once

#include <cstdint>

#include "host-api/status.h"
#include "plugin/file_view.h"
#include "plugin/portal/use_cases.h"
#include "plugin/services.h"

namespace cd {

struct SharedFileView {
  SharedDocument document;
  SharedFile file;
  FileShown shown;
};

// CheckRead (GetShared: another client's document is kNotFound), then file `file_id` of that
// document (kNotFound), then what can be shown of it (ShowStoredFile). An image or a readable
// PDF is journaled "viewed" once, here; nothing else is.
crm::Result<SharedFileView> ViewSharedFile(Services& sv, const crm::Principal& actor,
                                           int64_t client_id, int64_t shared_id, int64_t file_id);

// One picture of that page (StoredFilePicture), journaling nothing; the same checks.
crm::Result<PagePicture> SharedFilePage(Services& sv, const crm::Principal& actor,
                                        int64_t client_id, int64_t shared_id, int64_t file_id,
                                        int page);

}  // namespace cd
