// sample-host/app/avatars.h — a client's avatar photo (SPEC H17, issue 14): the uploaded bytes are
// sniffed (JPEG, PNG or WebP only), decoded and re-encoded by libvips to a small square JPEG with
// no metadata, and kept in the host's object store under a generated name; the name is on the
// client's profile row; deleting the client deletes the photo.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "host-api/hooks.h"
#include "host-api/object_store.h"
#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

inline constexpr uint64_t kMaxAvatarBytes = 5 * 1024 * 1024;  // a phone photo fits
inline constexpr int kAvatarSize = 256;                       // pixels, square
inline constexpr int64_t kMaxAvatarPixels = 40'000'000;       // decoding bomb guard

// The type libmagic finds in `bytes` ("image/jpeg", ...; "" when unknown). Thread-safe.
std::string SniffMediaType(std::string_view bytes);
// The host's own files (avatars, attachments of custom actions) go through these two:
// `bytes` written to `key` and committed (durable: fsync + rename, or one PUT) before any row
// names it; and every object under `prefix` deleted (after the rows, on a client's deletion).
crm::Status PutObject(crm::ObjectStore& store, const std::string& key, std::string_view bytes);
void DeleteObjectsUnder(crm::ObjectStore& store, const std::string& prefix);

// The avatar made from an uploaded picture: a kAvatarSize square JPEG (centre crop, EXIF
// orientation applied, transparency on white), without EXIF/GPS, XMP, IPTC, ICC or comments.
// kUnsupportedType when the sniffed type is not JPEG/PNG/WebP (whatever the name or
// Content-Type said); kUnprocessable for a picture that does not decode or is over
// kMaxAvatarPixels; kTooLarge over kMaxAvatarBytes. Thread-safe.
crm::Result<std::string> MakeAvatar(std::string_view bytes);

// Thread-safe; `db` and `store` must outlive it. Objects are "<client_id>/<32 hex>.jpg".
class AvatarStore {
 public:
  AvatarStore(crm::Database& db, crm::ObjectStore& store) : db_(db), store_(store) {}

  // Makes the avatar (MakeAvatar's errors), stores it, then points the client's row at it
  // and deletes the previous one. kNotFound for an unknown client (nothing kept). Returns
  // the stored name.
  crm::Result<std::string> Set(int64_t client_id, std::string_view upload);
  // Clears the row, then deletes the object. Ok when there was none; kNotFound for an unknown
  // client.
  crm::Status Remove(int64_t client_id);
  // The stored name, "" when none.
  crm::Result<std::string> NameOf(int64_t client_id);
  // The object key of a stored name; kNotFound unless `name` is the client's current one.
  crm::Result<std::string> KeyOf(int64_t client_id, std::string_view name);
  // After a client's rows are gone: every object of that client (ClientDeletionHook).
  void DeleteObjectsOf(int64_t client_id);

  crm::ObjectStore& store() { return store_; }

 private:
  crm::Database& db_;
  crm::ObjectStore& store_;
};

// The demo's photos: the first `count` clients (by id) get a generated picture (a gradient of
// their own colour), stored as any upload is.
crm::Status SeedDemoAvatars(crm::Database& db, AvatarStore& avatars, int count = 3);

// The host's deletion hook "avatars": the profile row goes with the client (ON DELETE CASCADE);
// after the commit, the client's objects are deleted (rows first, then files).
crm::ClientDeletionHook AvatarDeletionHook(AvatarStore& avatars);

}  // namespace host
