// sample-host/app/custom_action_api.h — custom actions through the API (SPEC H13, issue 14), token
// routes of owner "host" (scope AND the owner's permission), beside POST .../timeline (which
// takes the action types and "note_html", profile_api.h):
//   POST   /api/v1/clients/{id}/timeline/{entry_id}/attachments            clients:write
//          clients.write  multipart, one file in the field "file" -> 201 attachment
//          (413 over 20 MiB, 415 for a type outside the allow-list, 409 for a system entry)
//   GET    /api/v1/clients/{id}/timeline/{entry_id}/attachments/{att_id}   clients:read
//          clients.read   the bytes, as an attachment under the sanitised name
//   DELETE /api/v1/clients/{id}/timeline/{entry_id}                        clients:write
//          clients.write  204; 409 for a system entry (only custom actions can go)
#pragma once

#include <string>

#include <boost/json.hpp>

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/custom_actions.h"

namespace host {

// {"id", "file_name", "media_type", "size", "sha256", "created_at", "url"} (the API's URL).
boost::json::object AttachmentJson(const Attachment& attachment);

// `actions` must outlive the server.
crm::Status RegisterCustomActionApi(crm::Registrar& registrar, CustomActions& actions);

}  // namespace host
