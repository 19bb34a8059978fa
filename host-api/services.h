// host-api/services.h — what a plugin may ask of its host: database, clock, data folder,
// mailer, timeline, client look-up, translations and log. One object, owned by the host, alive as
// long as the process.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts.h"
#include "object_store.h"
#include "sql.h"
#include "status.h"

namespace crm {

// What a plugin may know of a client. Read-only: clients belong to the host.
struct ClientInfo {
  int64_t id = 0;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string company;
  std::string language = "en";  // preferred: "en", "fr" or "nl"
  bool login_enabled = false;
  // Added in host API 1.3: the postal address, one line per part that is not empty
  // ("Rue Haute 12\n1000 Bruxelles\nBE"); empty when the client has none.
  std::string address;
  std::string DisplayName() const {
    std::string n = first_name;
    if (!last_name.empty()) n += (n.empty() ? "" : " ") + last_name;
    return n.empty() ? company : n;
  }
};

// "street\npostal_code city\ncountry", skipping empty parts (the form ClientInfo::address
// takes). Added in host API 1.3.
inline std::string FormatPostalAddress(std::string_view street, std::string_view postal_code,
                                       std::string_view city, std::string_view country) {
  std::string out(street);
  std::string town(postal_code);
  if (!city.empty()) town += (town.empty() ? "" : " ") + std::string(city);
  for (std::string_view part : {std::string_view(town), country}) {
    if (part.empty()) continue;
    if (!out.empty()) out += "\n";
    out += part;
  }
  return out;
}

// An outgoing email. The host builds an RFC 5322 message (encoded UTF-8 subject) and
// writes it to its outbox; when SMTP is configured, the host delivers the outbox from there.
struct MailMessage {
  std::string to;         // one address
  std::string subject;    // UTF-8
  std::string text_body;  // UTF-8 plain text
};

// One entry of a client's action history (timeline).
struct TimelineEntry {
  int64_t client_id = 0;
  std::string type;    // machine name, namespaced: "client-documents.upload"
  std::string title;   // short, already in the admin's language or neutral
  std::string detail;  // optional longer text (plain)
  std::string actor;   // who did it: "admin:Marie Dupont", "client", "api:token 3"
};

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Every method is thread-safe. The object outlives every plugin call.
class HostServices {
 public:
  virtual ~HostServices() = default;

  virtual Database& Db() = 0;

  // Seconds since the Unix epoch, UTC. Tests may give a fixed clock.
  virtual int64_t NowUnix() = 0;

  // This plugin's own folder under the host's data folder (created by the host,
  // e.g. DATA/plugins/client-documents/). Files outside it are not the plugin's.
  virtual std::filesystem::path DataDir() = 0;

  virtual Status SendMail(const MailMessage& message) = 0;

  // kInvalidArgument without a client, without a title, or for a `type` outside the
  // plugin's namespace ("<plugin-id>."); kNotFound when the client does not exist.
  virtual Status AddTimeline(const TimelineEntry& entry) = 0;

  // kNotFound when no such client exists.
  virtual Result<ClientInfo> FindClient(int64_t client_id) = 0;

  // Added in host API 1.3: OK when the client exists, read inside the caller's transaction
  // `tx` (the row stays locked against deletion until it ends), kNotFound otherwise. Call it
  // in the transaction that writes a plugin's rows for a client, so no row outlives a client
  // deleted while the plugin was working (an upload racing the client's deletion).
  virtual Status LockClient(SqlExecutor& tx, int64_t client_id) = 0;

  // The text of `key` in `language` from the catalogs registered by host and plugins;
  // falls back to English, then to the key itself.
  virtual std::string Translate(std::string_view language, std::string_view key) = 0;

  virtual void Log(LogLevel level, std::string_view message) = 0;

  // Absolute base URL of the host as clients reach it ("http://127.0.0.1:8080"),
  // for links in emails.
  virtual std::string BaseUrl() = 0;

  // Added in host API 1.3: this plugin's files, in the store the host was started with
  // (local disk by default: DataDir() itself, so keys are paths under it; or an S3 bucket
  // under the prefix plugins/<plugin-id>/). Keys never leave the plugin's own space. With
  // several nodes, DataDir() belongs to one machine while Files() is shared by all.
  virtual ObjectStore& Files() = 0;
  // Host API 1.3 (host-api/contracts.h). nullptr when the host has no contracts / no task
  // inbox. The objects live as long as this one.
  virtual ContractView* Contracts() { return nullptr; }
  virtual TaskInbox* Tasks() { return nullptr; }

  // Added in host API 1.4: the ids of existing clients greater than `after_id`, ascending, at
  // most `limit` (clamped to 1-1000). A scheduled job walks every client a page at a time
  // (reminders: `after_id` = the last id of the previous page, 0 to start).
  virtual Result<std::vector<int64_t>> ClientIdsAfter(int64_t after_id, int limit) = 0;

  // Added in host API 1.5: the host's time zone, for showing times to people. Its setting
  // `time_zone` is an IANA name ("Europe/Brussels"), "UTC" by default, and may change while
  // the process runs (ask each time). Stored times and the APIs stay UTC; calendar dates
  // stored as YYYY-MM-DD (expiry, due dates) are never shifted.
  virtual std::string TimeZoneName() = 0;
  // That zone's offset from UTC at `unix_seconds`, daylight saving time included: in
  // Europe/Brussels +3600 in winter and +7200 in summer. Local time = unix_seconds + offset.
  virtual int32_t UtcOffsetSeconds(int64_t unix_seconds) = 0;
};

}  // namespace crm
