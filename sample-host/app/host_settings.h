// sample-host/app/host_settings.h — the host's own settings (issue 15.14): today `time_zone`, the
// IANA zone the pages and the plugins (host API 1.5) show times in. Stored in host_settings (schema
// 19), applied to the HostTimeZone the whole process reads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/core/time_zone.h"

namespace host {

class HostSettings {
 public:
  // `db` and `zone` must outlive this object.
  HostSettings(crm::Database& db, HostTimeZone& zone, std::function<int64_t()> now);

  // Applies the stored settings (start-up, after the migrations). A stored zone ICU does not know
  // (a newer tz database renamed it) is an error: the caller logs it and keeps UTC.
  crm::Status Load();

  std::string TimeZone() const { return zone_.Name(); }

  // Stores `name` and applies it. kUnprocessable for a zone ICU does not know ("time_zone: ...";
  // nothing stored, nothing changed). Leading and trailing spaces are ignored.
  crm::Status SetTimeZone(std::string_view name);

 private:
  crm::Database& db_;
  HostTimeZone& zone_;
  std::function<int64_t()> now_;
};

}  // namespace host
