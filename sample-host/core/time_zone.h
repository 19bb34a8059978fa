// sample-host/core/time_zone.h — the host's time zone (its setting `time_zone`, issue 15.14):
// an IANA name read through ICU, never through TZ/setenv (process-global, not thread-safe).
// g++ 12's standard library has no C++20 time-zone database, hence ICU.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "host-api/status.h"

namespace host {

// The default zone, and the name the setting takes when nothing was saved.
inline constexpr char kDefaultTimeZone[] = "UTC";

// The offset from UTC, in seconds, of the IANA zone `name` at `unix_seconds` (daylight saving
// included: Europe/Brussels +3600 in winter, +7200 in summer). kInvalidArgument for a name
// ICU's zone database does not hold ("Mars/Olympus", "", custom ids such as "GMT+5").
crm::Result<int32_t> ZoneOffsetAt(std::string_view name, int64_t unix_seconds);

// The host's current zone. Thread-safe: pages and plugins read it while an admin changes it.
class HostTimeZone {
 public:
  HostTimeZone();
  ~HostTimeZone();
  HostTimeZone(const HostTimeZone&) = delete;
  HostTimeZone& operator=(const HostTimeZone&) = delete;

  std::string Name() const;
  int32_t OffsetAt(int64_t unix_seconds) const;
  // kInvalidArgument (and the zone unchanged) for a name ZoneOffsetAt refuses.
  crm::Status Set(std::string_view name);

 private:
  mutable std::mutex mutex_;
  std::string name_;
  struct Zone;  // ICU's zone, kept out of this header
  std::unique_ptr<Zone> zone_;
};

}  // namespace host
