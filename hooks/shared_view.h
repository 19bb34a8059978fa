// hooks/shared_view.h — the HTML of shared documents (PT8) that the client's "Shared with me"
// (/account/shared), a link session's space (/p/client-documents/space) and the staff's Portal
// tab have in common: the firm's branding, status badges, due dates and amounts, file links,
// comments, and the client's forms (decide, supporting file, comment), offered as allowed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "hooks/context.h"
#include "host-api/http.h"
#include "plugin/portal/use_cases.h"
#include "plugin/portal/viewer.h"

namespace cd::hooks {

// What the reader may do, and where the links and forms lead. Every action is checked again by
// its use case on the server; this only decides what is offered.
struct SharedActions {
  std::string base;  // the documents' base path: base + "/<id>/files/<file id>", "/<id>/decision"…
  std::string csrf;  // the session's CSRF token for the forms
  bool view = true;
  bool download = true;
  // Viewing: the page base + "/<id>/view/<file id>" (the client's and a link's pages: the file
  // shown in a page, viewer.h) rather than ".../files/<id>?inline=1" in a new tab (staff).
  bool view_route = false;
  bool decide = false;
  bool upload = false;
  bool comment = false;  // the comment form
  bool comments = true;  // the list of comments
};

// The text `portal.<key>` in `lang`, HTML-escaped.
std::string PortalText(const Context& ctx, std::string_view lang, const std::string& key);
// The firm's name and logo (module settings), or "" when neither is set.
std::string Branding(Context& ctx);
// Status badge, due date, amounts and decision of one shared document.
std::string SharedFacts(const Context& ctx, std::string_view lang, const SharedDocument& d);
// The files of one shared document, with view / download links as `a` allows.
std::string SharedFileLinks(const Context& ctx, std::string_view lang, const SharedDocument& d,
                            const SharedActions& a);
// The comments of one shared document as `who` may read them (none when it may not).
std::string SharedCommentsHtml(Context& ctx, const crm::Principal& who, const SharedDocument& d);
// A POST form with the CSRF token (also in the query for a multipart form).
std::string PostForm(const std::string& action, const std::string& csrf, const std::string& inner,
                     bool multipart = false);
// The documents by project (projects in `projects` order, then those in no project), each
// project's categories grouped, with the client's actions of `a`.
std::string SharedSections(Context& ctx, const crm::Principal& who,
                           const std::vector<Project>& projects,
                           const std::vector<SharedDocument>& shared, const SharedActions& a);
// The page's notice for `?flash=` or `?error=` (portal texts), or "".
std::string SharedNotice(const Context& ctx, std::string_view lang, const crm::Request& req);
// A refused action as a sentence in `lang`: a decided / expired / not asked document, a refusal
// without a reason, else the module's text for the error's code.
std::string SharedErrorText(const Context& ctx, std::string_view lang, const crm::Status& error);

// ---- "View only" (plugin/file_view.h) ------------------------------------------------------

// Where the page of one file leads.
struct FileViewLinks {
  std::string back;      // the documents' page
  std::string pages;     // the pictures: pages + "/<n>"
  std::string download;  // "" : no download link (a view-only link)
};
// What the page says about the file.
struct FilePage {
  std::string title;       // the document's (plain text)
  std::string facts_html;  // badges and facts, already escaped ("" for none)
  std::string file_name;   // plain text
  FileShown shown;
};
// The page's body: the firm's branding, a way back, the document's title and facts, the file
// shown (an image, or the PDF's pages as lazy-loaded pictures, then how many are not shown), or
// a message for a kind never shown and a PDF that cannot be read; without `download`, the
// honest line that showing does not stop copying. In `lang`, every text escaped.
std::string FileViewHtml(Context& ctx, std::string_view lang, const FilePage& page,
                         const FileViewLinks& links);
// The page's status: 422 for a PDF that cannot be read, else 200.
int FileViewStatus(const FileShown& shown);
// FileViewHtml of a shared file: its title and SharedFacts, back to its place on `links.back`.
std::string SharedFileViewHtml(Context& ctx, std::string_view lang, const SharedFileView& view,
                               FileViewLinks links);
// One picture of that page (StoredFilePicture), never cached by the browser: a PNG, or the
// stored image inline.
crm::Status SendPagePicture(crm::Response& response, const PagePicture& picture);

}  // namespace cd::hooks
