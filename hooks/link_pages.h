// hooks/link_pages.h — the public pages of signed links under /p/client-documents/ (PT1, PT2):
// a link's page and its "Continue" form, the link session's space, files, uploads and comments.
// Other hook files that add routes to a link session (shared documents) use RequireLinkSession.
#pragma once

#include <optional>
#include <string>

#include "hooks/context.h"
#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/links/links.h"

namespace cd::hooks {

// The request's link session, checked on every request (revocation and expiry count at once)
// with, for a POST, its CSRF token (the `_csrf` form field, first part of a
// multipart form, or X-CSRF-Token; never the query). nullopt once this
// function has answered: 410 page when there is no usable session, 403 for a bad CSRF token.
// Sets `Referrer-Policy: no-referrer` on the response either way.
crm::Result<std::optional<LinkSession>> RequireLinkSession(Context& ctx, crm::Request& request,
                                                           crm::Response& response);

// The link session's space (its documents, and the shared documents its scope covers) with an
// error sentence ("" for none) and `status`: the page a refused form action answers with.
crm::Status SendLinkSpace(Context& ctx, crm::Request& request, crm::Response& response,
                          const LinkSession& session, const std::string& error, int status);

// link_shared_pages.cc: the shared documents (PT8) the session's scope covers, as the space's
// HTML section ("" when none), and their routes (decision, comments, supporting files, files).
crm::Result<std::string> LinkSharedHtml(Context& ctx, const crm::Request& request,
                                        const LinkSession& session);
crm::Status RegisterLinkSharedPages(crm::Registrar& registrar, const ContextPtr& ctx);

// The 410 page of a link that cannot be used (expired, revoked, used up, unknown, or a session
// that ended), in `language` ("" : the reader's Accept-Language).
crm::Status SendLinkGone(Context& ctx, crm::Request& request, crm::Response& response,
                         std::string language);

// Registration (entry.cc): the link pages (link_pages.cc, with link_shared_pages.cc's routes)
// and the staff's "Links" profile tab with its forms (link_tab.cc).
crm::Status RegisterLinkPages(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterLinkTab(crm::Registrar& registrar, const ContextPtr& ctx);

}  // namespace cd::hooks
