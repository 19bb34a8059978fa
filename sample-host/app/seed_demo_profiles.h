// sample-host/app/seed_demo_profiles.h — the demo's issue-14 data (SPEC H9 shows every feature):
// newsletter lists and subscriptions of every status, genders, billing and delivery addresses,
// origins with UTM parameters, purchases and support requests for the sidebar's figures.
#pragma once

#include "host-api/status.h"
#include "sample-host/app/client_store.h"
#include "sample-host/app/device_store.h"
#include "sample-host/app/newsletter.h"
#include "sample-host/app/timeline_store.h"

namespace host {

// Runs after SeedDemo, on its clients (the first 12 by id get varied data).
crm::Status SeedDemoProfiles(ClientStore& clients, NewsletterStore& newsletter,
                             TimelineStore& timeline, DeviceStore& devices);

}  // namespace host
