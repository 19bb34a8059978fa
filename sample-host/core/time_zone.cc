// sample-host/core/time_zone.cc — IANA zones through ICU: a name is known when ICU holds it as a
// system zone; the offset is ICU's raw offset plus its daylight-saving offset at that instant.
#include "sample-host/core/time_zone.h"

#include <unicode/timezone.h>
#include <unicode/ucal.h>
#include <unicode/unistr.h>

#include <utility>

namespace host {
namespace {

// The zone `name`, or nullptr when ICU's database does not hold it as a system zone (ICU
// would otherwise hand back "Etc/Unknown", which behaves as UTC).
std::unique_ptr<icu::TimeZone> MakeZone(std::string_view name) {
  if (name.empty() || name.size() > 64) return nullptr;
  icu::UnicodeString id = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  icu::UnicodeString canonical;
  UBool system = false;
  UErrorCode status = U_ZERO_ERROR;
  icu::TimeZone::getCanonicalID(id, canonical, system, status);
  if (U_FAILURE(status) || !system) return nullptr;
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(id));
  icu::UnicodeString got;
  if (!zone || zone->getID(got) == icu::UnicodeString(UCAL_UNKNOWN_ZONE_ID)) return nullptr;
  return zone;
}

int32_t OffsetOf(const icu::TimeZone& zone, int64_t unix_seconds) {
  int32_t raw = 0;
  int32_t dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  zone.getOffset(static_cast<UDate>(unix_seconds) * 1000.0, false, raw, dst, status);
  if (U_FAILURE(status)) return 0;
  return (raw + dst) / 1000;
}

}  // namespace

struct HostTimeZone::Zone {
  std::unique_ptr<icu::TimeZone> icu;
};

crm::Result<int32_t> ZoneOffsetAt(std::string_view name, int64_t unix_seconds) {
  std::unique_ptr<icu::TimeZone> zone = MakeZone(name);
  if (!zone) return crm::InvalidArgument("unknown time zone: " + std::string(name));
  return OffsetOf(*zone, unix_seconds);
}

HostTimeZone::HostTimeZone()
    : name_(kDefaultTimeZone), zone_(std::make_unique<Zone>(Zone{MakeZone(kDefaultTimeZone)})) {}

HostTimeZone::~HostTimeZone() = default;

std::string HostTimeZone::Name() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return name_;
}

int32_t HostTimeZone::OffsetAt(int64_t unix_seconds) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return zone_->icu ? OffsetOf(*zone_->icu, unix_seconds) : 0;
}

crm::Status HostTimeZone::Set(std::string_view name) {
  std::unique_ptr<icu::TimeZone> zone = MakeZone(name);
  if (!zone) return crm::InvalidArgument("unknown time zone: " + std::string(name));
  std::lock_guard<std::mutex> lock(mutex_);
  name_ = std::string(name);
  zone_->icu = std::move(zone);
  return crm::Status::Ok();
}

}  // namespace host
