// sample-host/app/host_settings.cc — the host's settings: checked (ICU) before anything is stored,
// stored in one statement, then applied in memory.
#include "sample-host/app/host_settings.h"

#include <utility>

#include "text/text.h"

namespace host {

namespace {
constexpr char kTimeZoneKey[] = "time_zone";
}  // namespace

HostSettings::HostSettings(crm::Database& db, HostTimeZone& zone, std::function<int64_t()> now)
    : db_(db), zone_(zone), now_(std::move(now)) {}

crm::Status HostSettings::Load() {
  CRM_ASSIGN_OR_RETURN(auto row, db_.QueryOne("SELECT value FROM host_settings WHERE key = ?",
                                              {std::string(kTimeZoneKey)}));
  if (!row) return crm::Status::Ok();
  return zone_.Set(row->Text(0));
}

crm::Status HostSettings::SetTimeZone(std::string_view name_in) {
  const std::string name(crm::text::Trim(name_in));
  if (!ZoneOffsetAt(name, now_()).ok())
    return crm::Unprocessable("time_zone: unknown time zone \"" + name +
                              "\" (an IANA name such as Europe/Brussels)");
  crm::Result<int64_t> stored = db_.Exec(
      "INSERT INTO host_settings (key, value, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
      {std::string(kTimeZoneKey), name, now_()});
  if (!stored.ok()) return stored.status();
  return zone_.Set(name);
}

}  // namespace host
