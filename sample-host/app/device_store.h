// sample-host/app/device_store.h — a client's devices registered for push notifications
// (SPEC H15): platform, label, push token, last seen; registered again with the same token,
// a device is updated (label, last seen), not duplicated. Deleted with the client.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

struct ClientDevice {
  int64_t id = 0;
  int64_t client_id = 0;
  std::string platform;  // "ios", "android" or "web"
  std::string label;
  std::string token;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
};

// Thread-safe; `db` must outlive it.
class DeviceStore {
 public:
  DeviceStore(crm::Database& db, std::function<int64_t()> now);

  // Newest seen first. kNotFound for an unknown client.
  crm::Result<std::vector<ClientDevice>> List(int64_t client_id);
  // Registers (or refreshes) `device` for device.client_id; `last_seen_at` 0: now.
  // kInvalidArgument naming the field (platform, label at most 100 characters, token 1-4096
  // printable ASCII characters); kNotFound for an unknown client. Returns the stored device
  // and whether it was new.
  crm::Result<std::pair<ClientDevice, bool>> Register(ClientDevice device);
  // kNotFound when the client has no such device.
  crm::Status Remove(int64_t client_id, int64_t device_id);

 private:
  crm::Database& db_;
  std::function<int64_t()> now_;
};

}  // namespace host
