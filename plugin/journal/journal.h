// plugin/journal/journal.h — the module's activity journal (PT4, X5): who did what to which
// object, when and from where, in one append-only table whose entries are chained by SHA-256.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/http.h"
#include "host-api/services.h"
#include "host-api/sql.h"
#include "host-api/status.h"

namespace cd {

// One entry. The hashed part is every member above `actor_name`; the actor's name and the
// address are personal data kept beside the row (cd_journal_personal), outside the hash, so
// that erasing them (PT7) leaves the chain verifiable.
struct JournalEntry {
  int64_t seq = 0;         // 1, 2, 3 … without gaps
  int64_t at = 0;          // Unix seconds, UTC
  std::string actor_kind;  // "staff" | "client" | "token" | "link" | "system"
  int64_t actor_id = 0;    // staff and token: the admin's id; client: the client's id
  std::string action;      // SPEC §6: "uploaded", "viewed", "approved", …
  int64_t client_id = 0;   // 0: about no one client
  std::string object;      // "document:<type_id>", "file:<id>"
  std::string detail;      // never personal data (hashes, counts, decisions)
  std::string prev_hash;   // the previous entry's hash; 64 zeros for the first
  std::string hash;        // JournalHash(*this)
  std::string actor_name;  // personal, erasable
  std::string ip;          // personal, erasable
};

// What a writer records; the journal adds seq, at, the actor, the address and the hashes.
struct JournalRecord {
  std::string action;
  int64_t client_id = 0;
  std::string object;
  std::string detail;
};

// The journal's object of one client's document of a type: "document:<type_id>".
inline std::string DocumentObject(int64_t type_id) { return "document:" + std::to_string(type_id); }

inline constexpr char kJournalGenesis[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The bytes hashed: each hashed member as "<length>:<bytes>;" in declaration order, so no
// two different entries share one serialisation.
std::string JournalCanonical(const JournalEntry& entry);
// Lowercase hex SHA-256 of JournalCanonical(entry).
std::string JournalHash(const JournalEntry& entry);

struct JournalQuery {
  std::optional<int64_t> client_id;
  std::string action;           // "" for any
  std::optional<int64_t> from;  // at >= from
  std::optional<int64_t> to;    // at <= to
  int page = 1;
  int per_page = 50;
  bool oldest_first = false;  // pages are newest first; the CSV export oldest first
  bool all = false;           // every match, no pagination (the CSV export)
};

struct JournalPage {
  std::vector<JournalEntry> items;
  int64_t total = 0;
  int page = 1;
  int per_page = 50;
};

// The chain checked from the first entry: `first_bad_seq` is the first entry whose hash,
// prev_hash or seq does not follow (an edited row, or the seq of a removed one).
struct JournalVerdict {
  bool ok = true;
  int64_t entries = 0;
  std::string head;  // the last entry's hash (the genesis value when empty)
  std::optional<int64_t> first_bad_seq;
};

// Thread-safe: every method is one statement or one transaction.
class Journal {
 public:
  explicit Journal(crm::HostServices& host) : host_(host) {}

  // Appends inside the caller's transaction: the head row (cd_journal_head) is updated
  // first, which serialises concurrent writers, then the entry and its personal data are
  // inserted. The address is the request's (RequestAddress, request_address.h).
  static crm::Status Append(crm::SqlExecutor& tx, int64_t now, const crm::Principal& actor,
                            const JournalRecord& record);
  // The same in a transaction of its own (reads such as viewed and downloaded).
  crm::Status Append(const crm::Principal& actor, const JournalRecord& record);

  crm::Result<JournalPage> List(const JournalQuery& query);
  crm::Result<JournalVerdict> Verify();

  // PT7, inside the host's client-deletion transaction: blanks the personal data of every
  // entry about `client_id` and appends "erased" (actor "system"). The rows stay.
  static crm::Status EraseClient(crm::SqlExecutor& tx, int64_t now, int64_t client_id);

 private:
  crm::HostServices& host_;
};

// The journal's actor of `principal`: kind, id and display name.
void JournalActorOf(const crm::Principal& principal, JournalEntry* entry);

}  // namespace cd
