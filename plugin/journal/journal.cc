// plugin/journal/journal.cc — appends to, lists and verifies the chained journal (journal.h).
#include "plugin/journal/journal.h"

#include <openssl/evp.h>

#include <cstdio>

#include "plugin/journal/request_address.h"
#include "plugin/links/grant.h"

namespace cd {
namespace {

constexpr char kColumns[] =
    "SELECT j.seq, j.at, j.actor_kind, j.actor_id, j.action, j.client_id, j.object, j.detail,"
    " j.prev_hash, j.hash, COALESCE(p.actor_name, ''), COALESCE(p.ip, '')"
    " FROM cd_journal j LEFT JOIN cd_journal_personal p ON p.seq = j.seq";

JournalEntry EntryFromRow(const crm::SqlRow& r) {
  JournalEntry e;
  e.seq = r.Int(0);
  e.at = r.Int(1);
  e.actor_kind = r.Text(2);
  e.actor_id = r.Int(3);
  e.action = r.Text(4);
  e.client_id = r.Int(5);
  e.object = r.Text(6);
  e.detail = r.Text(7);
  e.prev_hash = r.Text(8);
  e.hash = r.Text(9);
  e.actor_name = r.Text(10);
  e.ip = r.Text(11);
  return e;
}

void AppendField(std::string& out, std::string_view value) {
  out += std::to_string(value.size());
  out += ':';
  out += value;
  out += ';';
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1) return "";
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

// WHERE clause and parameters of a query's filters.
std::string Where(const JournalQuery& q, crm::SqlParams& params) {
  std::string where = " WHERE 1 = 1";
  if (q.client_id) {
    where += " AND j.client_id = ?";
    params.push_back(*q.client_id);
  }
  if (!q.action.empty()) {
    where += " AND j.action = ?";
    params.push_back(q.action);
  }
  if (q.from) {
    where += " AND j.at >= ?";
    params.push_back(*q.from);
  }
  if (q.to) {
    where += " AND j.at <= ?";
    params.push_back(*q.to);
  }
  return where;
}

}  // namespace

std::string JournalCanonical(const JournalEntry& e) {
  std::string out;
  AppendField(out, std::to_string(e.seq));
  AppendField(out, std::to_string(e.at));
  AppendField(out, e.actor_kind);
  AppendField(out, std::to_string(e.actor_id));
  AppendField(out, e.action);
  AppendField(out, std::to_string(e.client_id));
  AppendField(out, e.object);
  AppendField(out, e.detail);
  AppendField(out, e.prev_hash);
  return out;
}

std::string JournalHash(const JournalEntry& entry) { return Sha256Hex(JournalCanonical(entry)); }

void JournalActorOf(const crm::Principal& p, JournalEntry* e) {
  using Kind = crm::Principal::Kind;
  switch (p.kind) {
    case Kind::kAdmin:
      e->actor_kind = "staff";
      e->actor_id = p.user_id;
      e->actor_name = p.display_name;
      return;
    case Kind::kApiToken:
      e->actor_kind = "token";
      e->actor_id = p.user_id;
      e->actor_name = p.display_name;
      return;
    case Kind::kClient:
      // A link session (plugin/links/grant.h) acts as its client but is journaled as the link.
      if (int64_t link = LinkIdOf(p)) {
        e->actor_kind = "link";
        e->actor_id = link;
      } else {
        e->actor_kind = "client";
        e->actor_id = p.client_id;
      }
      e->actor_name = p.display_name;
      return;
    case Kind::kAnonymous:
      break;
  }
  e->actor_kind = "system";
  e->actor_id = 0;
}

crm::Status Journal::Append(crm::SqlExecutor& tx, int64_t now, const crm::Principal& actor,
                            const JournalRecord& record) {
  // The head row first: its row lock makes a second writer wait for this transaction (and
  // on PostgreSQL's SERIALIZABLE, retry), so two entries never share a seq or a prev_hash.
  CRM_ASSIGN_OR_RETURN(
      auto head,
      tx.QueryOne("UPDATE cd_journal_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"));
  if (!head.has_value()) return crm::Internal("journal head row missing");
  JournalEntry e;
  e.seq = head->Int(0);
  e.prev_hash = head->Text(1);
  e.at = now;
  JournalActorOf(actor, &e);
  e.action = record.action;
  e.client_id = record.client_id;
  e.object = record.object;
  e.detail = record.detail;
  e.ip = RequestAddress();
  e.hash = JournalHash(e);
  CRM_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO cd_journal (seq, at, actor_kind, actor_id, action, client_id, object,"
              " detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {e.seq, e.at, e.actor_kind, e.actor_id, e.action, e.client_id, e.object, e.detail,
               e.prev_hash, e.hash})
          .status());
  CRM_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO cd_journal_personal (seq, actor_name, ip) VALUES (?, ?, ?)",
              {e.seq, e.actor_name, e.ip})
          .status());
  return tx.Exec("UPDATE cd_journal_head SET hash = ? WHERE id = 1", {e.hash}).status();
}

crm::Status Journal::Append(const crm::Principal& actor, const JournalRecord& record) {
  const int64_t now = host_.NowUnix();
  return host_.Db().Transaction(
      [&](crm::SqlExecutor& tx) { return Append(tx, now, actor, record); });
}

crm::Result<JournalPage> Journal::List(const JournalQuery& q) {
  JournalPage page;
  page.page = q.page;
  page.per_page = q.per_page;
  crm::SqlParams params;
  const std::string where = Where(q, params);
  CRM_ASSIGN_OR_RETURN(auto count,
                       host_.Db().QueryOne("SELECT COUNT(*) FROM cd_journal j" + where, params));
  page.total = count.has_value() ? count->Int(0) : 0;
  std::string sql =
      kColumns + where + (q.oldest_first ? " ORDER BY j.seq" : " ORDER BY j.seq DESC");
  if (!q.all) {
    sql += " LIMIT ? OFFSET ?";
    params.push_back(static_cast<int64_t>(q.per_page));
    params.push_back(static_cast<int64_t>(q.page - 1) * q.per_page);
  }
  CRM_RETURN_IF_ERROR(host_.Db().Query(sql, params, [&](const crm::SqlRow& r) {
    page.items.push_back(EntryFromRow(r));
    return true;
  }));
  return page;
}

crm::Result<JournalVerdict> Journal::Verify() {
  JournalVerdict v;
  v.head = kJournalGenesis;
  int64_t expected_seq = 1;
  // Every entry is read (entries counts them all); the first break is kept.
  auto check = [&](const crm::SqlRow& r) {
    JournalEntry e = EntryFromRow(r);
    ++v.entries;
    if (!v.first_bad_seq) {
      if (e.seq != expected_seq) {
        v.first_bad_seq = expected_seq;  // that one was removed
      } else if (e.prev_hash != v.head || JournalHash(e) != e.hash) {
        v.first_bad_seq = e.seq;  // this one was changed
      }
    }
    v.head = e.hash;
    expected_seq = e.seq + 1;
    return true;
  };
  CRM_RETURN_IF_ERROR(host_.Db().Query(kColumns + std::string(" ORDER BY j.seq"), {}, check));
  if (!v.first_bad_seq) {
    // A removed tail leaves the head row ahead of the last entry.
    CRM_ASSIGN_OR_RETURN(auto head,
                         host_.Db().QueryOne("SELECT seq, hash FROM cd_journal_head WHERE id = 1"));
    if (!head.has_value() || head->Int(0) != expected_seq - 1 || head->Text(1) != v.head)
      v.first_bad_seq = expected_seq;
  }
  v.ok = !v.first_bad_seq.has_value();
  return v;
}

crm::Status Journal::EraseClient(crm::SqlExecutor& tx, int64_t now, int64_t client_id) {
  CRM_RETURN_IF_ERROR(tx.Exec("UPDATE cd_journal_personal SET actor_name = '', ip = '' WHERE seq IN"
                              " (SELECT seq FROM cd_journal WHERE client_id = ? OR"
                              " (actor_kind = 'client' AND actor_id = ?))",
                              {client_id, client_id})
                          .status());
  return Append(tx, now, crm::Principal{}, JournalRecord{"erased", client_id, "client", ""});
}

}  // namespace cd
