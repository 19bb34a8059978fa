// sample-host/app/custom_actions.h — custom actions in a client's history (SPEC H13, issue 14): an
// entry of one of five types (call, meeting, email, note, other) with a title, a formatted note
// (stored only as host::SanitizeRichText's output, by TimelineStore) and attached files. The
// files live in the host's object store under generated names ("<client_id>/<32 hex>"), their
// type sniffed by libmagic against an allow-list; rows are written after the object is durable
// and deleted before it (an action's deletion, the client's deletion).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/hooks.h"
#include "host-api/http.h"
#include "host-api/object_store.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/timeline_store.h"

namespace host {

inline constexpr uint64_t kMaxAttachmentBytes = 20 * 1024 * 1024;

// The types of a custom action, as stored ("host.call", ...). Only these can be deleted or
// carry attachments; every other entry (plugins', profile changes, logins...) is the system's.
inline constexpr std::string_view kCustomActionTypes[] = {"host.call", "host.meeting", "host.email",
                                                          "host.note", "host.other"};
bool IsCustomActionType(std::string_view type);

// PDF, pictures, office documents (Word, Excel, PowerPoint, OpenDocument) and plain text.
bool AllowedAttachmentType(std::string_view mime);

struct Attachment {
  int64_t id = 0;
  int64_t entry_id = 0;
  int64_t client_id = 0;
  std::string object_name;  // generated; the object's key is "<client_id>/<object_name>"
  std::string file_name;    // sanitised display name
  std::string media_type;   // sniffed
  int64_t size = 0;
  std::string sha256;
  int64_t created_at = 0;

  std::string Key() const { return std::to_string(client_id) + "/" + object_name; }
};

// A client's attachments (every entry), oldest first: one query for a whole history (the
// profile page reads them with its own executor).
crm::Result<std::vector<Attachment>> ListAttachments(crm::SqlExecutor& db, int64_t client_id);

// Thread-safe; `db` and `store` must outlive it.
class CustomActions {
 public:
  CustomActions(crm::Database& db, crm::ObjectStore& store, std::function<int64_t()> now)
      : db_(db), store_(store), now_(std::move(now)) {}

  // Attaches `bytes` to the custom entry `entry_id` of the client. kNotFound (no such entry
  // for that client), kConflict (not a custom action), kTooLarge (over kMaxAttachmentBytes),
  // kUnsupportedType (sniffed type not allowed, whatever the name says). Nothing is kept on
  // refusal.
  crm::Result<Attachment> Attach(int64_t client_id, int64_t entry_id, std::string_view file_name,
                                 std::string_view bytes);
  crm::Result<std::vector<Attachment>> OfEntry(int64_t client_id, int64_t entry_id);
  // kNotFound unless the attachment belongs to that entry of that client.
  crm::Result<Attachment> Find(int64_t client_id, int64_t entry_id, int64_t attachment_id);
  // Deletes a custom entry with its attachments: rows first, then objects. kNotFound,
  // kConflict for a system entry.
  crm::Status Delete(int64_t client_id, int64_t entry_id);
  // The host's deletion hook "custom-actions": rows go with the client (ON DELETE CASCADE);
  // after the commit, the client's objects.
  crm::ClientDeletionHook DeletionHook();

  // How an attachment is sent: its sniffed type, Content-Disposition attachment under the
  // sanitised name (X-Content-Type-Options: nosniff is on every answer of the server).
  crm::ObjectReply Download(const Attachment& attachment);

 private:
  crm::Database& db_;
  crm::ObjectStore& store_;
  std::function<int64_t()> now_;
};

// The demo's custom action: a call with a formatted note and a small PDF, on the first client.
crm::Status SeedDemoActions(crm::Database& db, TimelineStore& timeline, CustomActions& actions);

}  // namespace host
