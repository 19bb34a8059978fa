// plugin/comments/comments.h — comments on a client's documents (PT3, SPEC §6): staff and the
// client write plain text; the other side is mailed, several comments within 10 minutes in
// one mail (a notice row per comment, sent by a scheduled job once the side is quiet).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/services.h"

namespace cd {

inline constexpr size_t kMaxCommentChars = 5000;  // Unicode characters
inline constexpr int64_t kCommentQuietSeconds = 600;
inline constexpr int64_t kCommentMailEverySeconds = 60;

struct Comment {
  int64_t id = 0;
  int64_t client_id = 0;
  int64_t type_id = 0;      // a comment on a requested document, or
  int64_t shared_id = 0;    // on a shared document (PT8); the other is 0
  std::string author_kind;  // "staff" | "client" | "contact"
  std::string author_name;
  std::string body;  // plain text; pages escape it
  int64_t created_at = 0;
};

// Rules, in order: the type exists (kNotFound); a client only on its own documents of an
// active type (kNotFound otherwise); staff need documents.write, a token documents:write too
// (kPermissionDenied); the client exists (kNotFound); the body, trimmed, has 1 to 5000
// characters and no control character but line breaks and tabs (kUnprocessable). Then, in one
// transaction: the comment, a notice for the other side, the journal's "commented".
crm::Result<Comment> AddComment(Services& services, const crm::Principal& actor, int64_t client_id,
                                int64_t type_id, std::string_view body);

// The same on a shared document (plugin/portal/): the client (or a link contact) on its own
// (kNotFound otherwise), staff with documents.write. Journaled "commented" on "shared:<id>".
crm::Result<Comment> AddSharedComment(Services& services, const crm::Principal& actor,
                                      int64_t client_id, int64_t shared_id, std::string_view body);
crm::Result<std::vector<Comment>> ListSharedComments(Services& services,
                                                     const crm::Principal& actor, int64_t client_id,
                                                     int64_t shared_id);

// The document's comments, oldest first (CheckRead; kNotFound for an unknown type or client).
crm::Result<std::vector<Comment>> ListComments(Services& services, const crm::Principal& actor,
                                               int64_t client_id, int64_t type_id);

// The scheduled job: for each (client, side) whose newest pending notice is at least
// kCommentQuietSeconds old, one mail listing those comments — to the client in their
// language with a link to their documents, or to the settings' notify_email — then the
// notices go. Without an address the notices go unsent. Returns how many mails were sent.
crm::Result<int> SendCommentMails(Services& services);

// CD9: the client's comments and notices, inside the host's deletion transaction.
crm::Status DeleteClientComments(crm::SqlExecutor& tx, int64_t client_id);

}  // namespace cd
