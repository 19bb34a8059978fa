// plugin/portal/link_use_cases.h — what a link session (PT1, PT2) may do with the client's
// shared documents (PT8), one function each. The scope is checked first (a document of another
// client, or outside the link's scope: kNotFound, so a guessed id reveals nothing), then the
// right (missing: kPermissionDenied), and only then the portal's own use case runs with the
// link's principal (journaled as link:<id>). A document-scoped link sees no shared document.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/comments/comments.h"
#include "plugin/links/link_use_cases.h"
#include "plugin/links/links.h"
#include "plugin/portal/use_cases.h"
#include "plugin/portal/viewer.h"
#include "plugin/services.h"

namespace cd {

// The shared documents the link covers (SharedVisibleTo), oldest first, and the client's
// projects that hold at least one of them.
struct LinkSharedView {
  std::vector<Project> projects;
  std::vector<SharedDocument> documents;
};
crm::Result<LinkSharedView> LinkShared(Services& services, const LinkSession& session);

// Approve or refuse (needs "decide"): DecideShared as the link's principal.
crm::Result<SharedDocument> LinkDecide(Services& services, const LinkSession& session,
                                       int64_t shared_id, const std::string& decision,
                                       const std::string& reason);
// A comment (needs "comment"): AddSharedComment, author kind "contact".
crm::Result<Comment> LinkSharedComment(Services& services, const LinkSession& session,
                                       int64_t shared_id, std::string_view body);
// A supporting file (needs "upload"): AddSupportingFile, the same pipeline.
crm::Result<SharedDocument> LinkSupportingFile(Services& services, const LinkSession& session,
                                               crm::Request& request, int64_t shared_id);
// One file of a shared document in scope, as an attachment (needs "download").
crm::Result<crm::ObjectReply> LinkDownloadSharedFile(Services& services, const LinkSession& session,
                                                     int64_t shared_id, int64_t file_id);
// "View only" (viewer.h): the page of one file in scope, and its pictures; each needs "view" or
// "download". The page is journaled once as "viewed" by the link; its pictures are not.
crm::Result<SharedFileView> LinkViewSharedFile(Services& services, const LinkSession& session,
                                               int64_t shared_id, int64_t file_id);
crm::Result<PagePicture> LinkSharedFilePage(Services& services, const LinkSession& session,
                                            int64_t shared_id, int64_t file_id, int page);

}  // namespace cd
