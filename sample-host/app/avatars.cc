// sample-host/app/avatars.cc — sniffing with libmagic, re-encoding with libvips (the pixels only:
// `strip` drops every metadata block), and the object-then-row order of the store: a crash between
// the two leaves at worst an unreferenced small object, never a row naming a missing one.
#include "sample-host/app/avatars.h"

#include <magic.h>
#include <vips/vips8>

#include <mutex>
#include <vector>

#include "sample-host/core/random.h"

namespace host {
namespace {

void InitVips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("sample-host") != 0) return;
    vips_cache_set_max(0);  // one-shot conversions; no cache to grow
  });
}

bool AllowedType(std::string_view mime) {
  return mime == "image/jpeg" || mime == "image/png" || mime == "image/webp";
}

std::string Key(int64_t client_id, std::string_view name) {
  return std::to_string(client_id) + "/" + std::string(name);
}

// "<32 lower-case hex>.jpg", the only names this store makes.
bool IsAvatarName(std::string_view name) {
  if (name.size() != 36 || !name.ends_with(".jpg")) return false;
  for (char ch : name.substr(0, 32)) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string SniffMediaType(std::string_view bytes) {
  // A magic_t is not thread-safe: one per thread, loaded once.
  thread_local magic_t cookie = [] {
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);
    if (m && magic_load(m, nullptr) != 0) {
      magic_close(m);
      m = nullptr;
    }
    return m;
  }();
  if (!cookie) return "";
  const char* r = magic_buffer(cookie, bytes.data(), std::min<size_t>(bytes.size(), 64 * 1024));
  return r ? std::string(r) : std::string();
}

crm::Result<std::string> MakeAvatar(std::string_view bytes) {
  if (bytes.size() > kMaxAvatarBytes) return crm::TooLarge("avatar: 5 MiB at most");
  std::string mime = SniffMediaType(bytes);
  if (!AllowedType(mime)) {
    return crm::UnsupportedType("avatar: a JPEG, PNG or WebP picture, not " +
                                (mime.empty() ? std::string("this file") : mime));
  }
  InitVips();
  try {
    vips::VImage header = vips::VImage::new_from_buffer(bytes.data(), bytes.size(), "");
    if (static_cast<int64_t>(header.width()) * header.height() > kMaxAvatarPixels)
      return crm::Unprocessable("avatar: the picture has too many pixels");
    // A blob that borrows `bytes` (no copy); released when this scope ends.
    std::unique_ptr<VipsBlob, void (*)(VipsBlob*)> blob(
        vips_blob_new(nullptr, bytes.data(), bytes.size()),
        [](VipsBlob* b) { vips_area_unref(VIPS_AREA(b)); });
    vips::VImage square = vips::VImage::thumbnail_buffer(blob.get(), kAvatarSize,
                                                         vips::VImage::option()
                                                             ->set("height", kAvatarSize)
                                                             ->set("crop", VIPS_INTERESTING_CENTRE)
                                                             ->set("fail_on", VIPS_FAIL_ON_ERROR));
    if (square.has_alpha()) {
      square = square.flatten(
          vips::VImage::option()->set("background", std::vector<double>{255, 255, 255}));
    }
    square = square.colourspace(VIPS_INTERPRETATION_sRGB);
    void* out = nullptr;
    size_t out_size = 0;
    square.write_to_buffer(".jpg", &out, &out_size,
                           vips::VImage::option()->set("strip", true)->set("Q", 85));
    std::string jpeg(static_cast<const char*>(out), out_size);
    g_free(out);
    return jpeg;
  } catch (const vips::VError& e) {
    vips_error_clear();
    return crm::Unprocessable(std::string("avatar: the picture cannot be read: ") + e.what());
  }
}

crm::Result<std::string> AvatarStore::NameOf(int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(auto row, db_.QueryOne("SELECT avatar FROM client_profiles WHERE "
                                              "client_id = ?",
                                              {client_id}));
  return row.has_value() ? row->Text(0) : std::string();
}

crm::Result<std::string> AvatarStore::Set(int64_t client_id, std::string_view upload) {
  CRM_ASSIGN_OR_RETURN(auto exists,
                       db_.QueryOne("SELECT 1 FROM clients WHERE id = ?", {client_id}));
  if (!exists.has_value())
    return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  CRM_ASSIGN_OR_RETURN(std::string jpeg, MakeAvatar(upload));
  std::string name = RandomHex(16) + ".jpg";
  CRM_RETURN_IF_ERROR(PutObject(store_, Key(client_id, name), jpeg));  // before the row
  std::string previous;
  crm::Status s = db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(auto row, tx.QueryOne("SELECT avatar FROM client_profiles WHERE "
                                               "client_id = ?",
                                               {client_id}));
    if (row.has_value()) previous = row->Text(0);
    CRM_ASSIGN_OR_RETURN(
        int64_t changed,
        tx.Exec("INSERT INTO client_profiles (client_id, avatar) SELECT id, CAST(? AS TEXT) FROM "
                "clients WHERE id = ? ON CONFLICT (client_id) DO UPDATE SET avatar = "
                "excluded.avatar",
                {name, client_id}));
    // The client was deleted meanwhile.
    if (changed == 0)
      return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
    return crm::Status::Ok();
  });
  if (!s.ok()) {
    (void)store_.Delete(Key(client_id, name));
    return s;
  }
  if (!previous.empty() && IsAvatarName(previous)) (void)store_.Delete(Key(client_id, previous));
  return name;
}

crm::Status AvatarStore::Remove(int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(auto exists,
                       db_.QueryOne("SELECT 1 FROM clients WHERE id = ?", {client_id}));
  if (!exists.has_value())
    return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  CRM_ASSIGN_OR_RETURN(std::string name, NameOf(client_id));
  if (name.empty()) return crm::Status::Ok();
  CRM_RETURN_IF_ERROR(
      db_.Exec("UPDATE client_profiles SET avatar = '' WHERE client_id = ?", {client_id}).status());
  if (IsAvatarName(name)) (void)store_.Delete(Key(client_id, name));
  return crm::Status::Ok();
}

crm::Result<std::string> AvatarStore::KeyOf(int64_t client_id, std::string_view name) {
  if (!IsAvatarName(name)) return crm::NotFound("no such avatar");
  CRM_ASSIGN_OR_RETURN(std::string current, NameOf(client_id));
  if (current != name) return crm::NotFound("no such avatar");
  return Key(client_id, name);
}

void AvatarStore::DeleteObjectsOf(int64_t client_id) {
  DeleteObjectsUnder(store_, std::to_string(client_id) + "/");
}

crm::Status PutObject(crm::ObjectStore& store, const std::string& key, std::string_view bytes) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<crm::ObjectWriter> writer, store.Create(key));
  CRM_RETURN_IF_ERROR(writer->Write(bytes));
  return writer->Commit();
}

void DeleteObjectsUnder(crm::ObjectStore& store, const std::string& prefix) {
  std::vector<std::string> keys;
  (void)store.List(prefix, [&](const crm::ObjectInfo& info) {
    keys.push_back(info.key);
    return true;
  });
  for (const std::string& key : keys) (void)store.Delete(key);
}

crm::Status SeedDemoAvatars(crm::Database& db, AvatarStore& avatars, int count) {
  CRM_ASSIGN_OR_RETURN(auto rows,
                       db.QueryAll("SELECT id FROM clients ORDER BY id LIMIT ?", {int64_t{count}}));
  InitVips();
  for (const crm::SqlRow& row : rows) {
    int64_t id = row.Int(0);
    try {
      vips::VImage xy = vips::VImage::xyz(320, 320);
      vips::VImage shade = ((xy[0] + xy[1]) / 3).cast(VIPS_FORMAT_UCHAR);
      vips::VImage picture =
          shade.bandjoin({shade * 0 + static_cast<double>((id * 70) % 256), 255 - shade})
              .cast(VIPS_FORMAT_UCHAR);
      void* out = nullptr;
      size_t size = 0;
      picture.write_to_buffer(".png", &out, &size);
      std::string png(static_cast<const char*>(out), size);
      g_free(out);
      CRM_RETURN_IF_ERROR(avatars.Set(id, png).status());
    } catch (const vips::VError& e) {
      vips_error_clear();
      return crm::Internal(std::string("demo avatar: ") + e.what());
    }
  }
  return crm::Status::Ok();
}

crm::ClientDeletionHook AvatarDeletionHook(AvatarStore& avatars) {
  crm::ClientDeletionHook hook;
  hook.id = "avatars";
  hook.delete_rows = [](int64_t, crm::SqlExecutor&) { return crm::Status::Ok(); };
  hook.after_commit = [&avatars](int64_t client_id) { avatars.DeleteObjectsOf(client_id); };
  return hook;
}

}  // namespace host
