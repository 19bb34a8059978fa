// sample-host/web/custom_action_pages.h — custom actions on the client profile's history (SPEC H13,
// issue 14): the "Add an action" form (type, title, the small rich-text editor's note, files),
// each attachment's download, and an action's deletion. The history itself (each entry's
// sanitised note and its files) is drawn by client_profile_page.cc.
#pragma once

#include <string>
#include <string_view>

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/client_store.h"
#include "sample-host/app/custom_actions.h"
#include "sample-host/app/timeline_store.h"
#include "sample-host/core/hook_registry.h"

namespace host::web {

struct CustomActionPageDeps {
  const HookRegistry& registry;
  ClientStore& clients;
  TimelineStore& timeline;
  CustomActions& actions;
};

// The note of the form without JavaScript (a plain textarea): its text escaped, one paragraph,
// line breaks kept. (With JavaScript, the editor's HTML comes in "note_html"; either way the
// store keeps only host::SanitizeRichText's output.)
std::string PlainNoteHtml(std::string_view text);

// POST /admin/clients/{id}/actions                                       clients.write
//      multipart (CSRF in ?_csrf=): type, title, note_html | note, files (any number)
// GET  /admin/clients/{id}/timeline/{entry_id}/attachments/{att_id}      clients.read
// POST /admin/clients/{id}/timeline/{entry_id}/delete                    clients.write
// `deps` must outlive the server.
crm::Status RegisterCustomActionPages(crm::Registrar& registrar, const CustomActionPageDeps& deps);

}  // namespace host::web
