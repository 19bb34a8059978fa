// plugin/links/link_use_cases.h — what a link session may do (PT1, PT2), one function each: the
// grant's scope (outside: kNotFound) and rights (missing: kPermissionDenied) are checked here,
// BEFORE the documents' own use case runs with the link's principal (plugin/links/grant.h).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/comments/comments.h"
#include "plugin/documents/use_cases.h"
#include "plugin/file_view.h"
#include "plugin/links/links.h"
#include "plugin/services.h"

namespace cd {

// The client's documents the link covers (every listed type for the space scope, the one type
// for the document scope, none for a project), as ListDocuments gives them.
crm::Result<std::vector<ClientDocument>> LinkDocuments(Services& services,
                                                       const LinkSession& session);

enum class LinkFileUse {
  kDownload,   // an attachment: needs "download"
  kView,       // shown in the browser (Content-Disposition inline): needs "view" or "download";
               // kPermissionDenied for a kind that is never shown inline (SafeToViewInline),
               // and for anything but an image without "download" (a PDF viewer downloads:
               // view-only reads a PDF as pictures, LinkViewFile)
  kThumbnail,  // the JPEG thumbnail: needs "view" or "download"
};
// A current file of the link's client, of a type the link covers (kNotFound otherwise, also for
// another client's file), journaled as the documents' downloads are.
crm::Result<crm::ObjectReply> LinkFile(Services& services, const LinkSession& session,
                                       int64_t file_id, LinkFileUse use);

// "View only" (plugin/file_view.h) of a current file in scope (needs "view" or "download"):
// the file's reply (not to be sent: the page shows pictures of it), its type, and what can be
// shown; journaled "viewed" once for an image or a readable PDF. Its pictures journal nothing.
struct LinkFileView {
  int64_t type_id = 0;
  crm::ObjectReply file;
  FileShown shown;
};
crm::Result<LinkFileView> LinkViewFile(Services& services, const LinkSession& session,
                                       int64_t file_id);
crm::Result<PagePicture> LinkFilePicture(Services& services, const LinkSession& session,
                                         int64_t file_id, int page);

// An upload through the link (needs "upload"; the type in scope): UploadDocument with the
// link's principal, so the same pipeline, review and journal (actor link:<id>).
crm::Result<UploadOutcome> LinkUpload(Services& services, const LinkSession& session,
                                      crm::Request& request, int64_t type_id);

// A comment through the link (needs "comment"; the type in scope): AddComment as the contact.
crm::Result<Comment> LinkComment(Services& services, const LinkSession& session, int64_t type_id,
                                 std::string_view body);
// The comments of a document in scope (needs "comment", "view" or "download").
crm::Result<std::vector<Comment>> LinkComments(Services& services, const LinkSession& session,
                                               int64_t type_id);

}  // namespace cd
