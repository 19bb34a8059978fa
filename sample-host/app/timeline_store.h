// sample-host/app/timeline_store.h — a client's action history (SPEC H4): listing with date range
// and type filters, and custom entries admins add by hand. Plugins add entries through
// HostServices::AddTimeline.
#pragma once

#include <cstdint>
#include <functional>
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
  int64_t created_at = 0;  // Unix seconds, UTC
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
  crm::Result<int64_t> AddNote(int64_t client_id, std::string_view title, std::string_view note,
                               std::string_view actor);

 private:
  crm::Database& db_;
  std::function<int64_t()> now_;
};

}  // namespace host
