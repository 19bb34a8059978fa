// plugin/reminders/reminders.h — reminders (PT6, SPEC §6 Jobs): a scheduled job mails each
// client what is still needed (missing or rejected required documents, documents expiring or
// expired) in their language with a direct link, never twice a day, at most `max` times per
// need, and forgets a need once it is met; staff may pause one client's reminders.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host-api/http.h"
#include "host-api/services.h"
#include "host-api/status.h"
#include "plugin/services.h"

namespace cd {

// The job runs hourly (so a node that was down, or a mail that failed, is caught up the same
// day); a client still gets at most one reminder a day (cd_reminder_days).
inline constexpr int64_t kReminderEverySeconds = 3600;

// What a client still has to do about one document type: a need is (client, type, state).
struct ReminderNeed {
  int64_t type_id = 0;
  std::string state;       // "missing" | "rejected" | "expiring" | "expired"
  std::string type_name;   // in the client's language
  std::string reason;      // a rejection's reason, as staff wrote it
  std::string expires_on;  // "YYYY-MM-DD" (expiring, expired)
};

// The client's needs on `today` ("YYYY-MM-DD"), in the types' order: active required types
// with no document (missing); documents of active types the client may upload (not
// admin_only) that are rejected, expiring or expired (review/state.h decides). Pending,
// uploaded and approved documents are no need: the client did their part.
crm::Result<std::vector<ReminderNeed>> ClientNeeds(Services& services,
                                                   const crm::ClientInfo& client,
                                                   const std::string& today);

// The direct link a reminder carries. Today the client area (<base>/account/documents); the
// one place to mint a PT1 upload link (plugin/links/) for `needs` instead.
crm::Result<std::string> ReminderLink(Services& services, const crm::ClientInfo& client,
                                      const std::vector<ReminderNeed>& needs);

// The job, with the host's clock. Nothing when the settings' reminders are off. For every
// client (HostServices::ClientIdsAfter) with an email address: the needs table follows the
// client's needs (a met need is forgotten, a new one starts today); a paused client gets
// nothing; otherwise the needs that have started (missing and rejected after
// first_after_days, expiring and expired at once) and were mailed fewer than `max` times are
// listed in one mail when at least one of them is due (never mailed, or last mailed
// every_days ago or more). The day is claimed first (cd_reminder_days), so a second run or a
// second node the same day sends nothing; the mail goes after that commit, then the journal's
// "reminder_sent" (detail: the needs, "type:<id>:<state>" joined by ","). A mail that cannot
// be sent gives the day back. A pass without error marks the day done (client 0 in
// cd_reminder_days): later runs that day return at once. Returns how many mails went.
crm::Result<int> SendReminders(Services& services);

// One client's pause (staff only; a client gets kNotFound).
struct ReminderPause {
  bool paused = false;
  int64_t since = 0;  // Unix seconds; 0 when not paused
  std::string by;     // ActorLabel of who paused
};
// CheckRead, not for clients; kNotFound for an unknown client.
crm::Result<ReminderPause> GetReminderPause(Services& services, const crm::Principal& actor,
                                            int64_t client_id);
// Staff with documents.write (a token documents:write too); kNotFound for clients and for an
// unknown client. Idempotent.
crm::Result<ReminderPause> SetReminderPause(Services& services, const crm::Principal& actor,
                                            int64_t client_id, bool paused);

// CD9: the client's reminder rows, inside the host's deletion transaction.
crm::Status DeleteClientReminders(crm::SqlExecutor& tx, int64_t client_id);

}  // namespace cd
