// plugin/reminders/reminders.cc — the reminders job, its needs table, its mail and the
// per-client pause (reminders.h).
#include "plugin/reminders/reminders.h"

#include "plugin/links/links.h"

#include <map>
#include <set>

#include "plugin/access.h"
#include "plugin/journal/journal.h"
#include "plugin/review/state.h"
#include "text/text.h"

namespace cd {
namespace {

constexpr int kClientPage = 500;

// A need as the needs table tracks it.
struct TrackedNeed {
  ReminderNeed need;
  std::string since;         // YYYY-MM-DD the job first saw it
  int sent_count = 0;        // mails that listed it
  std::string last_sent_on;  // YYYY-MM-DD or ""
};

std::string NeedKey(int64_t type_id, std::string_view state) {
  return std::to_string(type_id) + ":" + std::string(state);
}

// Missing and rejected documents wait first_after_days; expiring and expired ones are told at
// once (their date is the deadline).
bool Started(const TrackedNeed& t, const ReminderSettings& r, const std::string& today) {
  const bool waits = t.need.state == "missing" || t.need.state == "rejected";
  return today >= AddDays(t.since, waits ? r.first_after_days : 0);
}

bool Due(const TrackedNeed& t, const ReminderSettings& r, const std::string& today) {
  return t.sent_count == 0 || today >= AddDays(t.last_sent_on, r.every_days);
}

// The needs table brought in line with `needs`: a met need is forgotten (a later one of the
// same kind starts again), a new one starts today. Read first; a transaction only for changes.
crm::Result<std::vector<TrackedNeed>> SyncNeeds(crm::Database& db, int64_t client_id,
                                                const std::vector<ReminderNeed>& needs,
                                                const std::string& today) {
  CRM_ASSIGN_OR_RETURN(auto rows, db.QueryAll("SELECT type_id, state, since, sent_count,"
                                              " last_sent_on FROM cd_reminder_needs"
                                              " WHERE client_id = ?",
                                              {client_id}));
  std::map<std::string, const crm::SqlRow*> stored;
  for (const crm::SqlRow& r : rows) stored[NeedKey(r.Int(0), r.Text(1))] = &r;
  std::vector<TrackedNeed> tracked;
  std::vector<const ReminderNeed*> added;
  for (const ReminderNeed& n : needs) {
    auto it = stored.find(NeedKey(n.type_id, n.state));
    if (it == stored.end()) {
      added.push_back(&n);
      tracked.push_back({n, today, 0, ""});
      continue;
    }
    const crm::SqlRow& r = *it->second;
    tracked.push_back({n, r.Text(2), static_cast<int>(r.Int(3)), r.Text(4)});
    stored.erase(it);
  }
  if (added.empty() && stored.empty()) return tracked;  // `stored` now holds the met needs
  CRM_RETURN_IF_ERROR(db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    for (const ReminderNeed* n : added)
      CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO cd_reminder_needs (client_id, type_id, state,"
                                  " since) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                  {client_id, n->type_id, n->state, today})
                              .status());
    for (const auto& [key, row] : stored)
      CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM cd_reminder_needs WHERE client_id = ? AND"
                                  " type_id = ? AND state = ?",
                                  {client_id, row->Int(0), row->Text(1)})
                              .status());
    return crm::Status::Ok();
  }));
  return tracked;
}

// Claims today for the client and counts the listed needs, in one transaction. False when
// the day was already claimed (another run or node mailed the client today).
crm::Result<bool> ClaimDay(crm::HostServices& host, int64_t client_id,
                           const std::vector<TrackedNeed>& listed, const std::string& today) {
  bool claimed = false;
  CRM_RETURN_IF_ERROR(host.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    claimed = false;
    CRM_RETURN_IF_ERROR(host.LockClient(tx, client_id));
    CRM_ASSIGN_OR_RETURN(auto row,
                         tx.QueryOne("INSERT INTO cd_reminder_days (client_id, day, sent_at)"
                                     " VALUES (?, ?, ?) ON CONFLICT (client_id, day) DO NOTHING"
                                     " RETURNING client_id",
                                     {client_id, today, host.NowUnix()}));
    if (!row.has_value()) return crm::Status::Ok();
    for (const TrackedNeed& t : listed) {
      CRM_RETURN_IF_ERROR(tx.Exec("UPDATE cd_reminder_needs SET sent_count = sent_count + 1,"
                                  " last_sent_on = ? WHERE client_id = ? AND type_id = ?"
                                  " AND state = ?",
                                  {today, client_id, t.need.type_id, t.need.state})
                              .status());
    }
    claimed = true;
    return crm::Status::Ok();
  }));
  return claimed;
}

// A mail that could not be sent gives the day and the counts back (the next run tries again).
crm::Status ReleaseDay(crm::Database& db, int64_t client_id, const std::vector<TrackedNeed>& listed,
                       const std::string& today) {
  return db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM cd_reminder_days WHERE client_id = ? AND day = ?", {client_id, today})
            .status());
    for (const TrackedNeed& t : listed) {
      crm::SqlValue last = t.last_sent_on.empty() ? crm::SqlValue() : t.last_sent_on;
      CRM_RETURN_IF_ERROR(tx.Exec("UPDATE cd_reminder_needs SET sent_count = ?, last_sent_on = ?"
                                  " WHERE client_id = ? AND type_id = ? AND state = ?",
                                  {static_cast<int64_t>(t.sent_count), last, client_id,
                                   t.need.type_id, t.need.state})
                              .status());
    }
    return crm::Status::Ok();
  });
}

std::string NeedLine(crm::HostServices& host, const std::string& lang, const ReminderNeed& n) {
  return crm::text::FillPlaceholders(
      host.Translate(lang, "client-documents.reminders.need_" + n.state),
      {{"type", n.type_name},
       {"reason", n.reason},
       {"date", crm::text::LocalIsoDate(lang, n.expires_on)}});
}

crm::MailMessage ReminderMail(crm::HostServices& host, const crm::ClientInfo& client,
                              const std::vector<TrackedNeed>& listed, const std::string& link) {
  const std::string& lang = client.language;
  std::string text =
      crm::text::FillPlaceholders(host.Translate(lang, "client-documents.reminders.mail_intro"),
                                  {{"name", client.DisplayName()}}) +
      "\n\n";
  for (const TrackedNeed& t : listed) text += "- " + NeedLine(host, lang, t.need) + "\n";
  text += "\n" + host.Translate(lang, "client-documents.reminders.mail_link") + "\n" + link +
          "\n\n" + host.Translate(lang, "client-documents.reminders.mail_closing") + "\n";
  return crm::MailMessage{client.email,
                          host.Translate(lang, "client-documents.reminders.mail_subject"), text};
}

// The journal's "reminder_sent" and the client's history, once the mail went.
crm::Status RecordReminder(Services& sv, const crm::ClientInfo& client,
                           const std::vector<TrackedNeed>& listed) {
  std::string detail;
  for (const TrackedNeed& t : listed)
    detail += (detail.empty() ? "" : ",") + ("type:" + NeedKey(t.need.type_id, t.need.state));
  crm::HostServices& host = sv.host();
  CRM_RETURN_IF_ERROR(host.Db().Transaction([&](crm::SqlExecutor& tx) {
    return Journal::Append(
        tx, host.NowUnix(), crm::Principal{},
        {"reminder_sent", client.id, "client:" + std::to_string(client.id), detail});
  }));
  crm::Status s =
      host.AddTimeline({client.id, "client-documents.reminder",
                        "Reminder sent: " + std::to_string(listed.size()) + " document(s) needed",
                        detail, "system"});
  if (!s.ok()) host.Log(crm::LogLevel::kWarning, "reminder timeline: " + s.ToString());
  return crm::Status::Ok();
}

// One client's turn. Returns whether a mail went.
crm::Result<bool> RemindClient(Services& sv, const ReminderSettings& r, int64_t client_id,
                               bool paused, const std::string& today) {
  crm::HostServices& host = sv.host();
  CRM_ASSIGN_OR_RETURN(crm::ClientInfo client, host.FindClient(client_id));
  CRM_ASSIGN_OR_RETURN(std::vector<ReminderNeed> needs, ClientNeeds(sv, client, today));
  CRM_ASSIGN_OR_RETURN(std::vector<TrackedNeed> tracked,
                       SyncNeeds(host.Db(), client_id, needs, today));
  if (paused || client.email.empty()) return false;
  std::vector<TrackedNeed> listed;
  bool due = false;
  for (const TrackedNeed& t : tracked) {
    if (!Started(t, r, today) || t.sent_count >= r.max) continue;
    listed.push_back(t);
    due = due || Due(t, r, today);
  }
  if (!due) return false;
  CRM_ASSIGN_OR_RETURN(bool claimed, ClaimDay(host, client_id, listed, today));
  if (!claimed) return false;
  std::vector<ReminderNeed> listed_needs;
  for (const TrackedNeed& t : listed) listed_needs.push_back(t.need);
  crm::Result<std::string> link = ReminderLink(sv, client, listed_needs);
  crm::Status sent =
      link.ok() ? host.SendMail(ReminderMail(host, client, listed, *link)) : link.status();
  if (!sent.ok()) {
    CRM_RETURN_IF_ERROR(ReleaseDay(host.Db(), client_id, listed, today));
    return sent;
  }
  CRM_RETURN_IF_ERROR(RecordReminder(sv, client, listed));
  return true;
}

crm::Result<std::set<int64_t>> PausedClients(crm::Database& db) {
  CRM_ASSIGN_OR_RETURN(auto rows, db.QueryAll("SELECT client_id FROM cd_reminder_pauses"));
  std::set<int64_t> ids;
  for (const crm::SqlRow& r : rows) ids.insert(r.Int(0));
  return ids;
}

crm::Status CheckPauser(const crm::Principal& actor, int64_t client_id, bool write) {
  if (actor.IsClient()) return crm::NotFound("no such client");
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  if (write &&
      (!actor.HasPermission(kPermWrite) || (actor.IsToken() && !actor.HasScope(kScopeWrite))))
    return crm::PermissionDenied("pausing reminders needs documents.write");
  return crm::Status::Ok();
}

}  // namespace

crm::Result<std::vector<ReminderNeed>> ClientNeeds(Services& sv, const crm::ClientInfo& client,
                                                   const std::string& today) {
  CRM_ASSIGN_OR_RETURN(std::vector<DocumentType> types, sv.types().List(false));
  CRM_ASSIGN_OR_RETURN(
      auto rows, sv.host().Db().QueryAll("SELECT type_id, review_state, review_reason, expires_on,"
                                         " warn_on FROM cd_documents WHERE client_id = ?",
                                         {client.id}));
  std::map<int64_t, const crm::SqlRow*> docs;
  for (const crm::SqlRow& r : rows) docs[r.Int(0)] = &r;
  std::vector<ReminderNeed> needs;
  for (const DocumentType& type : types) {
    if (!type.active || type.upload_mode == UploadMode::kAdminOnly) continue;
    auto it = docs.find(type.id);
    StateFacts facts;
    facts.has_document = it != docs.end();
    facts.type_review = type.review;
    if (facts.has_document) {
      facts.review = ParseReviewState(it->second->Text(1));
      facts.expires_on = it->second->Text(3);
      facts.warn_on = it->second->Text(4);
    }
    const DocumentStatus status = ComputeStatus(facts, today);
    const bool missing =
        status == DocumentStatus::kMissing && type.upload_mode == UploadMode::kRequired;
    if (!missing && status != DocumentStatus::kRejected && status != DocumentStatus::kExpiring &&
        status != DocumentStatus::kExpired)
      continue;
    needs.push_back({type.id, std::string(DocumentStatusName(status)),
                     type.name.Get(client.language),
                     status == DocumentStatus::kRejected ? it->second->Text(2) : std::string(),
                     facts.expires_on});
  }
  return needs;
}

crm::Result<std::string> ReminderLink(Services& services, const crm::ClientInfo& client,
                                      const std::vector<ReminderNeed>& needs) {
  // A PT1 link (SPEC §6: reminders "carry a direct link"): the one document when one is
  // needed, else the client's space; view, upload and comment for 14 days; to the client.
  LinkRequest request;
  if (needs.size() == 1) {
    request.scope = "document";
    request.type_id = needs.front().type_id;
  }
  request.rights = {"view", "upload", "comment"};
  request.contact_name = client.DisplayName();
  request.contact_email = client.email;
  std::string url;
  CRM_RETURN_IF_ERROR(services.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(MintedLink minted, MintLink(services, tx, crm::Principal{}, client.id,
                                                     request, "system:reminders"));
    url = minted.url;
    return crm::Status::Ok();
  }));
  return url;
}

crm::Result<int> SendReminders(Services& sv) {
  CRM_ASSIGN_OR_RETURN(Settings settings, sv.settings().Get());
  if (!settings.reminders.enabled) return 0;
  crm::HostServices& host = sv.host();
  const std::string today = IsoDate(host.NowUnix());
  // Client 0 of cd_reminder_days marks the day's pass as done: the hourly runs after it (and a
  // second node) only read this row.
  CRM_ASSIGN_OR_RETURN(auto done, host.Db().QueryOne("SELECT 1 FROM cd_reminder_days WHERE"
                                                     " client_id = 0 AND day = ?",
                                                     {today}));
  if (done.has_value()) return 0;
  CRM_ASSIGN_OR_RETURN(std::set<int64_t> paused, PausedClients(host.Db()));
  int sent = 0;
  crm::Status first_error = crm::Status::Ok();
  int64_t after = 0;
  while (true) {
    CRM_ASSIGN_OR_RETURN(std::vector<int64_t> ids, host.ClientIdsAfter(after, kClientPage));
    if (ids.empty()) break;
    after = ids.back();
    for (int64_t id : ids) {
      crm::Result<bool> r = RemindClient(sv, settings.reminders, id, paused.count(id) != 0, today);
      if (r.ok() && *r) ++sent;
      // One client's failure (a client deleted meanwhile, a mail refused) does not stop the
      // others; the first one is the job's error.
      if (!r.ok() && r.status().code() != crm::StatusCode::kNotFound && first_error.ok())
        first_error = r.status();
    }
  }
  host.Log(crm::LogLevel::kInfo, "reminders: " + std::to_string(sent) + " mail(s) sent");
  if (!first_error.ok()) return first_error;  // the next run tries the day again
  CRM_RETURN_IF_ERROR(host.Db()
                          .Exec("INSERT INTO cd_reminder_days (client_id, day, sent_at)"
                                " VALUES (0, ?, ?) ON CONFLICT DO NOTHING",
                                {today, host.NowUnix()})
                          .status());
  return sent;
}

crm::Result<ReminderPause> GetReminderPause(Services& sv, const crm::Principal& actor,
                                            int64_t client_id) {
  CRM_RETURN_IF_ERROR(CheckPauser(actor, client_id, false));
  CRM_RETURN_IF_ERROR(sv.host().FindClient(client_id).status());
  CRM_ASSIGN_OR_RETURN(auto row, sv.host().Db().QueryOne("SELECT paused_at, paused_by FROM"
                                                         " cd_reminder_pauses WHERE client_id = ?",
                                                         {client_id}));
  if (!row.has_value()) return ReminderPause{};
  return ReminderPause{true, row->Int(0), row->Text(1)};
}

crm::Result<ReminderPause> SetReminderPause(Services& sv, const crm::Principal& actor,
                                            int64_t client_id, bool paused) {
  CRM_RETURN_IF_ERROR(CheckPauser(actor, client_id, true));
  crm::HostServices& host = sv.host();
  CRM_RETURN_IF_ERROR(host.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(host.LockClient(tx, client_id));
    if (!paused)
      return tx.Exec("DELETE FROM cd_reminder_pauses WHERE client_id = ?", {client_id}).status();
    return tx
        .Exec(
            "INSERT INTO cd_reminder_pauses (client_id, paused_at, paused_by) VALUES (?, ?, ?)"
            " ON CONFLICT (client_id) DO NOTHING",
            {client_id, host.NowUnix(), ActorLabel(actor)})
        .status();
  }));
  return GetReminderPause(sv, actor, client_id);
}

crm::Status DeleteClientReminders(crm::SqlExecutor& tx, int64_t client_id) {
  for (const char* sql : {"DELETE FROM cd_reminder_needs WHERE client_id = ?",
                          "DELETE FROM cd_reminder_days WHERE client_id = ?",
                          "DELETE FROM cd_reminder_pauses WHERE client_id = ?"})
    CRM_RETURN_IF_ERROR(tx.Exec(sql, {client_id}).status());
  return crm::Status::Ok();
}

}  // namespace cd
