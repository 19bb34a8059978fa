// hooks/view.h — renders the mustache templates of ui-fragments/templates/ (auto-escaping)
// with the module's texts, and the small page helpers the hook files share (escaping, ids and
// percent-encoding are crm::text's, see text/text.h).
#pragma once

#include <kainjow/mustache.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hooks/context.h"
#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/comments/comments.h"
#include "plugin/model.h"
#include "text/text.h"

namespace cd::hooks {

using Data = kainjow::mustache::data;
using DataList = kainjow::mustache::list;

// Renders templates/<name>.mustache with `data`, plus "t" (the texts of `language`
// as t.<group>.<name>, e.g. {{t.area.title}}), "lang" and "assets" (the asset prefix).
// kInternal when the template is missing or does not parse (a bug, caught by tests).
crm::Result<std::string> Render(const Context& ctx, std::string_view name,
                                std::string_view language, Data data);

// Whether a current document has fewer files than its type takes (issue 15.13: the back of a
// two-file ID sent later), so an "add the missing file" form is offered (AddDocumentFiles
// decides).
bool HasRoomForFiles(const ClientDocument& doc);

// The hidden `_csrf` field of a POST form, to be its FIRST field: the host reads a multipart
// body's first part for it before the handler runs (issue 15.14), and a token never goes in a
// form's URL. Templates write the same `<input type="hidden" name="_csrf" value="{{csrf}}">`.
std::string CsrfField(std::string_view token);

// A JSON string literal (quotes included) of UTF-8 `text`.
std::string JsonQuote(std::string_view text);

// A form checkbox: present and neither "0" nor "off".
bool FormChecked(const crm::Request& request, std::string_view name);

// The page's upload script asks for JSON (Accept: application/json) to show progress;
// a plain form post gets a redirect or a page.
bool WantsJson(const crm::Request& request);

// The translation key of an error code's message on pages ("error.too_large", ...).
std::string_view ErrorKey(crm::StatusCode code);
// A field's validation message ("fields.<key>: <reason>") as a sentence in `language`
// naming the field by its label; another known validation message (the type form's, the
// upload's, the settings') as its sentence in `language`; "" for any other (issue 15.9: the
// technical English stays in the API).
std::string FieldErrorText(const Context& ctx, std::string_view language,
                           const std::string& message, const DocumentType* type);
// A sentence for `error` in `language`, with the limits of `type` where they explain it.
std::string ErrorText(const Context& ctx, std::string_view language, const crm::Status& error,
                      const DocumentType* type);

// Who uploaded or archived (the stored label, ActorLabel) as `reader` reads it, in the
// reader's language (plugin/uploader.h): a staff member's name, "you" to the client
// themself, `client_name` for a client's own upload seen by staff, "API" for any token.
std::string UploaderName(const Context& ctx, const crm::Principal& reader, std::string_view stored,
                         std::string_view client_name);
// "by <UploaderName>" in the reader's language; "" when nothing is stored.
std::string UploadedByText(const Context& ctx, const crm::Principal& reader,
                           std::string_view stored, std::string_view client_name);

// Template data of a document's comments: comments [{author, at, body}], has_comments,
// comment_max. Bodies are plain text (the template escapes them).
void SetCommentsData(const Context& ctx, std::string_view language,
                     const std::vector<Comment>& comments, Data& d);

// The translation key of a document's state ("state.pending").
std::string StateKey(DocumentStatus status);

// The translation key of a type's upload mode ("mode.required").
std::string_view ModeKey(UploadMode mode);

// Template data of one document, shared by the client area and the admin tab:
// state, state_text, has_state (a review or expiry state to show), state_ok, is_pending,
// is_rejected, has_reason, reason, has_expiry, expires_text; type_id, name, help, mode,
// is_required, is_admin_only, uploaded, status_text, fields
// [{key,label,value,input_type,required}], has_fields, files
// [{id,name,size,mime,view_url,download_url,thumbnail_url,has_thumbnail}], accept
// (for the input's accept attribute), limits_text, multiple.
// File URLs are `doc_url` + "/files/<id>" (+ "?inline=1" to view); thumbnails
// `thumb_base` + "/<file id>".
Data DocumentData(const Context& ctx, std::string_view language, const ClientDocument& doc,
                  std::string_view doc_url, std::string_view thumb_base);

}  // namespace cd::hooks
