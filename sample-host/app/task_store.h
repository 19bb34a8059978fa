// sample-host/app/task_store.h — the staff task inbox (host API 1.3): tasks the host or a plugin
// creates for the staff holding a permission, listed and closed at /admin/tasks.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host-api/contracts.h"
#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

struct TaskRecord {
  int64_t id = 0;
  std::string owner;  // "host" or the plugin id that created it
  std::string permission;
  std::string title;
  std::string link;
  int64_t client_id = 0;
  std::string state;  // "open" or "closed"
  int64_t created_at = 0;
  int64_t closed_at = 0;
  std::string closed_by;
};

// Thread-safe; `db` must outlive it.
class TaskStore {
 public:
  TaskStore(crm::Database& db, std::function<int64_t()> now);

  // kInvalidArgument without a permission or a title, or for a link that is not a local path.
  crm::Result<int64_t> Create(const std::string& owner, const crm::TaskDraft& draft);
  // Open tasks (or every task with `include_closed`), newest first, at most 500.
  crm::Result<std::vector<TaskRecord>> List(bool include_closed);
  crm::Result<TaskRecord> Get(int64_t id);
  // kNotFound for an unknown id, or one of another owner when `owner` is not empty.
  // Closing a closed task changes nothing.
  crm::Status Close(int64_t id, const std::string& closed_by, const std::string& owner = "");

  // The crm::TaskInbox a plugin gets: its tasks are created and closed under `owner`.
  std::unique_ptr<crm::TaskInbox> InboxFor(std::string owner);

 private:
  crm::Database& db_;
  std::function<int64_t()> now_;
};

}  // namespace host
