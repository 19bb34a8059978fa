// sample-host/web/newsletter_pages.h — the newsletter's pages (SPEC H11): the admin page of the
// lists (create, rename, delete, each linking to its subscribers in the client list) and the
// public unsubscribe page of the host's mails (GET shows a button, POST unsubscribes: mail
// scanners open links without meaning to unsubscribe).
#pragma once

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/newsletter.h"
#include "sample-host/core/hook_registry.h"

namespace host::web {

struct NewsletterPageDeps {
  const HookRegistry& registry;
  NewsletterStore& newsletter;
};

// GET|POST /admin/newsletter-lists, POST /admin/newsletter-lists/{id} (rename),
// POST /admin/newsletter-lists/{id}/delete, GET|POST /newsletter/unsubscribe?token=...;
// and the admin menu's entry. `deps` must outlive the server.
crm::Status RegisterNewsletterPages(crm::Registrar& registrar, const NewsletterPageDeps& deps);

}  // namespace host::web
