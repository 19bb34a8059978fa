// sample-host/app/timeline_store.h — a client's action history (SPEC H4): listing with date range
// and type filters, and custom entries admins add by hand. Plugins add entries through
// HostServices::AddTimeline.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "host-api/services.h"
#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

struct TimelineRecord {
  int64_t id = 0;
  int64_t client_id = 0;
  std::string type;  // "host.note", "client-documents.upload", ...
  std::string title;
  std::string detail;
  std::string actor;
  int64_t created_at = 0;               // Unix seconds, UTC
  std::optional<int64_t> amount_cents;  // issue 14: a purchase's amount
  std::string note_html;                // issue 14 (H13): host::SanitizeRichText's output only
};

// SPEC H12: the sidebar's key figures, from the client's history.
struct ClientStats {
  int64_t last_action_at = 0;    // newest entry (Unix seconds), 0 when none
  int64_t purchases = 0;         // entries "host.purchase"
  int64_t revenue_cents = 0;     // sum of their amounts
  int64_t support_requests = 0;  // entries "host.support_request"
};

struct TimelineQuery {
  int64_t client_id = 0;
  int64_t from = 0;                // inclusive, Unix seconds; 0: no lower bound
  int64_t to = 0;                  // exclusive; 0: no upper bound
  std::vector<std::string> types;  // exact types or "prefix.*"; empty: all
  int64_t limit = 200;             // newest first
};

// Thread-safe; `db` must outlive it.
class TimelineStore {
 public:
  TimelineStore(crm::Database& db, std::function<int64_t()> now);

  crm::Result<std::vector<TimelineRecord>> List(const TimelineQuery& query);
  // The distinct types present for a client (for the type filter).
  crm::Result<std::vector<std::string>> Types(int64_t client_id);
  // Any entry (HostServices::AddTimeline lands here). kNotFound for an unknown client.
  crm::Result<int64_t> Add(const crm::TimelineEntry& entry);
  // A custom entry ("host.note") an admin writes; title required.
  // An entry recorded by other software (POST /api/v1/clients/{id}/timeline): optionally
  // with an amount in cents and the time it happened (`occurred_at` 0: now). Validated
  // as Add. Returns the stored entry.
  // `note_html` (H13: a formatted note) is stored as host::SanitizeRichText makes it, never
  // as received.
  crm::Result<TimelineRecord> AddRecorded(const crm::TimelineEntry& entry,
                                          std::optional<int64_t> amount_cents, int64_t occurred_at,
                                          std::string_view note_html = {});
  crm::Result<ClientStats> Stats(int64_t client_id);
  // A custom action an admin records (SPEC H13): one of kCustomActionTypes
  // (custom_actions.h), a title and a formatted note (sanitised). kInvalidArgument otherwise.
  crm::Result<int64_t> AddAction(int64_t client_id, std::string_view type, std::string_view title,
                                 std::string_view note_html, std::string_view actor);
  crm::Result<int64_t> AddNote(int64_t client_id, std::string_view title, std::string_view note,
                               std::string_view actor);

 private:
  crm::Database& db_;
  std::function<int64_t()> now_;
};

}  // namespace host
