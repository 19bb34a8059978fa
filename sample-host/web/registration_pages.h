// sample-host/web/registration_pages.h — optional client self-registration (SPEC H16), on only
// with `serve --self-registration`: GET /account/register (the UTM parameters of the URL and the
// referrer travel in the form), POST creates the client with its origin and device, a password
// and a confirmation email; rate-limited like logins, and the same answer whether the email was
// new or taken.
#pragma once

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/auth.h"
#include "sample-host/app/client_store.h"
#include "sample-host/app/timeline_store.h"
#include "sample-host/core/hook_registry.h"

namespace host::web {

struct RegistrationDeps {
  const HookRegistry& registry;
  ClientStore& clients;
  Auth& auth;
  TimelineStore& timeline;
};

// `deps` must outlive the server.
crm::Status RegisterRegistrationPages(crm::Registrar& registrar, const RegistrationDeps& deps);

}  // namespace host::web
