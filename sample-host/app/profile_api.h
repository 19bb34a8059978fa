// sample-host/app/profile_api.h — the host API of issue 14 (SPEC §6 "Host additions"), beside
// the client routes of api_routes.h and registered the same way (token scope AND the owner's
// permission):
//   GET  /api/v1/newsletter-lists         clients:read   clients.read   {"items": [list...]}
//   POST /api/v1/newsletter-lists         clients:write  clients.write  {"name"} -> 201 list
//   POST /api/v1/clients/{id}/timeline    clients:write  clients.write  {"type", "title",
//        "detail"?, "amount"? ("100.00"), "occurred_at"? ("2026-01-31T10:00:00Z"),
//        "note_html"? (H13: stored sanitised)} -> 201 entry; the custom actions' types are
//        host.call, host.meeting, host.email, host.note and host.other (custom_action_api.h)
//   GET  /api/v1/clients/{id}/stats       clients:read   clients.read
//        {"last_action_at": ISO|null, "purchases", "revenue": "1234.50", "support_requests"}
//   GET    /api/v1/clients/{id}/devices               clients:read   {"items": [device...]}
//   POST   /api/v1/clients/{id}/devices               clients:write  {"platform", "label"?,
//          "token", "last_seen_at"?} -> 201 new device, 200 the same token refreshed
//   DELETE /api/v1/clients/{id}/devices/{device_id}   clients:write  204
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host-api/registrar.h"
#include "host-api/status.h"
#include "sample-host/app/client_store.h"
#include "sample-host/app/device_store.h"
#include "sample-host/app/newsletter.h"
#include "sample-host/app/timeline_store.h"

namespace host {

struct ProfileApiDeps {
  ClientStore& clients;
  TimelineStore& timeline;
  NewsletterStore& newsletter;
  DeviceStore& devices;
};

// "2026-01-31T10:00:00Z" (UTC, seconds) -> Unix seconds; nullopt for anything else.
std::optional<int64_t> ParseIsoUtc(std::string_view text);

// The host API's OpenAPI 3 document (sample-host/app/openapi/openapi.json, embedded), served
// publicly at GET /api/v1/openapi.json.
const std::string& HostOpenApiJson();

// `deps` must outlive the server.
crm::Status RegisterProfileApi(crm::Registrar& registrar, const ProfileApiDeps& deps);

}  // namespace host
