// sample-host/app/timeline_store.cc — reads and writes the `timeline` table of schema 1: filtered
// listing for the profile page, and entries added by the host, its admins and (through
// HostServices) plugins.
#include "sample-host/app/timeline_store.h"

#include <algorithm>
#include <cctype>

#include "sample-host/app/custom_actions.h"
#include "sample-host/app/rich_text.h"
#include "text/text.h"

namespace host {
namespace {

bool HasControl(std::string_view s, bool allow_newlines) {
  for (unsigned char ch : s) {
    if (allow_newlines && (ch == '\n' || ch == '\r' || ch == '\t')) continue;
    if (ch < 0x20 || ch == 0x7f) return true;
  }
  return false;
}

}  // namespace

TimelineStore::TimelineStore(crm::Database& db, std::function<int64_t()> now)
    : db_(db), now_(std::move(now)) {}

crm::Result<std::vector<TimelineRecord>> TimelineStore::List(const TimelineQuery& query) {
  std::string sql =
      "SELECT id, client_id, type, title, detail, actor, created_at, amount_cents, note_html "
      "FROM timeline "
      "WHERE client_id = ?";
  crm::SqlParams params{query.client_id};
  if (query.from > 0) {
    sql += " AND created_at >= ?";
    params.push_back(query.from);
  }
  if (query.to > 0) {
    sql += " AND created_at < ?";
    params.push_back(query.to);
  }
  if (!query.types.empty()) {
    sql += " AND (";
    for (size_t i = 0; i < query.types.size(); ++i) {
      const std::string& t = query.types[i];
      if (i) sql += " OR ";
      if (t.size() > 2 && t.compare(t.size() - 2, 2, ".*") == 0) {
        // "client-documents.*": every type of that owner. substr keeps it free of LIKE wildcards.
        sql += "substr(type, 1, CAST(? AS INTEGER)) = ?";
        std::string prefix = t.substr(0, t.size() - 1);
        params.push_back(static_cast<int64_t>(prefix.size()));
        params.push_back(prefix);
      } else {
        sql += "type = ?";
        params.push_back(t);
      }
    }
    sql += ")";
  }
  int64_t limit = query.limit < 1 ? 200 : std::min<int64_t>(query.limit, 1000);
  sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
  params.push_back(limit);
  std::vector<TimelineRecord> out;
  crm::Status s = db_.Query(sql, params, [&](const crm::SqlRow& r) {
    TimelineRecord record;
    record.id = r.Int(0);
    record.client_id = r.Int(1);
    record.type = r.Text(2);
    record.title = r.Text(3);
    record.detail = r.Text(4);
    record.actor = r.Text(5);
    record.created_at = r.Int(6);
    if (!r.IsNull(7)) record.amount_cents = r.Int(7);
    record.note_html = r.Text(8);
    out.push_back(std::move(record));
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

crm::Result<std::vector<std::string>> TimelineStore::Types(int64_t client_id) {
  auto rows = db_.QueryAll("SELECT DISTINCT type FROM timeline WHERE client_id = ? ORDER BY type",
                           {client_id});
  if (!rows.ok()) return rows.status();
  std::vector<std::string> out;
  for (const auto& r : *rows) out.push_back(r.Text(0));
  return out;
}

crm::Result<int64_t> TimelineStore::Add(const crm::TimelineEntry& e) {
  CRM_ASSIGN_OR_RETURN(TimelineRecord added, AddRecorded(e, std::nullopt, 0));
  return added.id;
}

crm::Result<TimelineRecord> TimelineStore::AddRecorded(const crm::TimelineEntry& e,
                                                       std::optional<int64_t> amount_cents,
                                                       int64_t occurred_at,
                                                       std::string_view note_html) {
  if (e.type.empty() || e.type.size() > 100 || HasControl(e.type, false)) {
    return crm::InvalidArgument("type: required, at most 100 characters");
  }
  if (e.title.empty() || e.title.size() > 500 || HasControl(e.title, false)) {
    return crm::InvalidArgument("title: required, at most 500 characters, one line");
  }
  if (e.detail.size() > 10000) return crm::InvalidArgument("detail: at most 10000 characters");
  auto exists = db_.QueryOne("SELECT 1 FROM clients WHERE id = ?", {e.client_id});
  if (!exists.ok()) return exists.status();
  if (!exists->has_value())
    return crm::NotFound("client " + std::to_string(e.client_id) + " does not exist");
  crm::SqlValue amount = amount_cents ? crm::SqlValue{*amount_cents} : crm::SqlValue{};
  if (note_html.size() > kMaxRichTextBytes)
    return crm::InvalidArgument("note_html: at most 64 KiB");
  TimelineRecord record;
  record.client_id = e.client_id;
  record.type = e.type;
  record.title = e.title;
  record.detail = e.detail;
  record.actor = e.actor;
  record.created_at = occurred_at > 0 ? occurred_at : now_();
  record.amount_cents = amount_cents;
  if (!note_html.empty()) record.note_html = SanitizeRichText(note_html);  // never stored raw
  auto r = db_.QueryOne(
      "INSERT INTO timeline (client_id, type, title, detail, actor, created_at, amount_cents, "
      "note_html) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {e.client_id, e.type, e.title, e.detail, e.actor, record.created_at, amount,
       record.note_html});
  if (!r.ok()) {
    // The client may have gone between the check and the insert (foreign key).
    if (r.status().code() == crm::StatusCode::kConflict) {
      return crm::NotFound("client " + std::to_string(e.client_id) + " does not exist");
    }
    return r.status();
  }
  if (!r->has_value()) return crm::Internal("the new entry has no id");
  record.id = (*r)->Int(0);
  return record;
}

crm::Result<ClientStats> TimelineStore::Stats(int64_t client_id) {
  // CAST: PostgreSQL's sum of BIGINT is NUMERIC.
  auto row = db_.QueryOne(
      "SELECT COALESCE(max(created_at), 0), "
      "CAST(COALESCE(sum(CASE WHEN type = 'host.purchase' THEN 1 ELSE 0 END), 0) AS BIGINT), "
      "CAST(COALESCE(sum(CASE WHEN type = 'host.purchase' THEN amount_cents ELSE 0 END), 0) "
      "AS BIGINT), "
      "CAST(COALESCE(sum(CASE WHEN type = 'host.support_request' THEN 1 ELSE 0 END), 0) AS "
      "BIGINT) FROM timeline WHERE client_id = ?",
      {client_id});
  if (!row.ok()) return row.status();
  ClientStats stats;
  if (row->has_value()) {
    stats = {(*row)->Int(0), (*row)->Int(1), (*row)->Int(2), (*row)->Int(3)};
  }
  return stats;
}

crm::Result<int64_t> TimelineStore::AddAction(int64_t client_id, std::string_view type,
                                              std::string_view title, std::string_view note_html,
                                              std::string_view actor) {
  if (!IsCustomActionType(type))
    return crm::InvalidArgument("type: one of call, meeting, email, note, other");
  crm::TimelineEntry entry;
  entry.client_id = client_id;
  entry.type = std::string(type);
  entry.title = std::string(crm::text::Trim(title));
  entry.actor = std::string(actor);
  CRM_ASSIGN_OR_RETURN(TimelineRecord added, AddRecorded(entry, std::nullopt, 0, note_html));
  return added.id;
}

crm::Result<int64_t> TimelineStore::AddNote(int64_t client_id, std::string_view title,
                                            std::string_view note, std::string_view actor) {
  std::string t(title);
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.erase(t.begin());
  return Add({client_id, "host.note", t, std::string(note), std::string(actor)});
}

}  // namespace host
