// sample-host/app/device_store.cc — client_devices (schema 14) with portable SQL: the upsert on
// (client_id, token) with ON CONFLICT ... RETURNING.
#include "sample-host/app/device_store.h"

#include <algorithm>

#include "text/text.h"

namespace host {
namespace {

ClientDevice RowToDevice(const crm::SqlRow& r) {
  return {r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5), r.Int(6)};
}

constexpr std::string_view kColumns =
    "id, client_id, platform, label, token, created_at, last_seen_at";

crm::Status Validate(ClientDevice& d) {
  d.platform = crm::text::ToLowerAscii(crm::text::Trim(d.platform));
  if (d.platform != "ios" && d.platform != "android" && d.platform != "web") {
    return crm::InvalidArgument("platform: must be ios, android or web");
  }
  d.label = std::string(crm::text::TrimAll(d.label));
  bool label_ok = d.label.size() <= 100 && std::none_of(d.label.begin(), d.label.end(), [](char c) {
                    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
                  });
  if (!label_ok) return crm::InvalidArgument("label: one line, at most 100 characters");
  d.token = std::string(crm::text::Trim(d.token));
  bool token_ok =
      !d.token.empty() && d.token.size() <= 4096 &&
      std::all_of(d.token.begin(), d.token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (!token_ok) return crm::InvalidArgument("token: 1-4096 printable characters, no spaces");
  return crm::Status::Ok();
}

}  // namespace

DeviceStore::DeviceStore(crm::Database& db, std::function<int64_t()> now)
    : db_(db), now_(std::move(now)) {}

crm::Result<std::vector<ClientDevice>> DeviceStore::List(int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(auto exists,
                       db_.QueryOne("SELECT 1 FROM clients WHERE id = ?", {client_id}));
  if (!exists) return crm::NotFound("no such client");
  std::vector<ClientDevice> out;
  CRM_RETURN_IF_ERROR(db_.Query("SELECT " + std::string(kColumns) +
                                    " FROM client_devices WHERE client_id = ? ORDER BY "
                                    "last_seen_at DESC, id DESC",
                                {client_id}, [&](const crm::SqlRow& r) {
                                  out.push_back(RowToDevice(r));
                                  return true;
                                }));
  return out;
}

crm::Result<std::pair<ClientDevice, bool>> DeviceStore::Register(ClientDevice d) {
  CRM_RETURN_IF_ERROR(Validate(d));
  CRM_ASSIGN_OR_RETURN(auto exists,
                       db_.QueryOne("SELECT 1 FROM clients WHERE id = ?", {d.client_id}));
  if (!exists) return crm::NotFound("no such client");
  int64_t now = now_();
  if (d.last_seen_at <= 0) d.last_seen_at = now;
  CRM_ASSIGN_OR_RETURN(
      auto known, db_.QueryOne("SELECT 1 FROM client_devices WHERE client_id = ? AND token = ?",
                               {d.client_id, d.token}));
  auto row = db_.QueryOne(
      "INSERT INTO client_devices (client_id, platform, label, token, created_at, last_seen_at) "
      "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (client_id, token) DO UPDATE SET platform = "
      "excluded.platform, label = excluded.label, last_seen_at = excluded.last_seen_at "
      "RETURNING " +
          std::string(kColumns),
      {d.client_id, d.platform, d.label, d.token, now, d.last_seen_at});
  if (!row.ok()) {
    if (row.status().code() == crm::StatusCode::kConflict) return crm::NotFound("no such client");
    return row.status();
  }
  if (!row->has_value()) return crm::Internal("the device was not stored");
  ClientDevice stored = RowToDevice(**row);
  return std::make_pair(stored, !known.has_value());
}

crm::Status DeviceStore::Remove(int64_t client_id, int64_t device_id) {
  CRM_ASSIGN_OR_RETURN(int64_t n,
                       db_.Exec("DELETE FROM client_devices WHERE id = ? AND client_id = ?",
                                {device_id, client_id}));
  return n == 0 ? crm::NotFound("no such device") : crm::Status::Ok();
}

}  // namespace host
