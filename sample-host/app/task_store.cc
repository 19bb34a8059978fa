// sample-host/app/task_store.cc — SQL of the task inbox (both dialects).
#include "sample-host/app/task_store.h"

#include "text/text.h"

namespace host {
namespace {

TaskRecord TaskFromRow(const crm::SqlRow& r) {
  return {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
          r.Int(5), r.Text(6), r.Int(7),  r.Int(8),  r.Text(9)};
}

constexpr char kTaskColumns[] =
    "SELECT id, owner, permission, title, link, COALESCE(client_id, 0), state, created_at, "
    "COALESCE(closed_at, 0), closed_by FROM tasks ";

class OwnedInbox final : public crm::TaskInbox {
 public:
  OwnedInbox(TaskStore& store, std::string owner) : store_(store), owner_(std::move(owner)) {}
  crm::Result<int64_t> CreateTask(const crm::TaskDraft& draft) override {
    return store_.Create(owner_, draft);
  }
  crm::Status CloseTask(int64_t task_id, const std::string& closed_by) override {
    return store_.Close(task_id, closed_by, owner_);
  }

 private:
  TaskStore& store_;
  std::string owner_;
};

}  // namespace

TaskStore::TaskStore(crm::Database& db, std::function<int64_t()> now)
    : db_(db), now_(std::move(now)) {}

crm::Result<int64_t> TaskStore::Create(const std::string& owner, const crm::TaskDraft& draft) {
  if (draft.permission.empty()) return crm::InvalidArgument("task without a permission");
  std::string title(crm::text::Trim(draft.title));
  if (title.empty()) return crm::InvalidArgument("task without a title");
  // A local path only: a task never sends staff to another site.
  if (!draft.link.empty() && (draft.link[0] != '/' || draft.link.rfind("//", 0) == 0 ||
                              draft.link.find('\\') != std::string::npos)) {
    return crm::InvalidArgument("task link must be a path on this host");
  }
  crm::SqlValue client = draft.client_id > 0 ? crm::SqlValue(draft.client_id) : crm::SqlValue();
  CRM_ASSIGN_OR_RETURN(auto row,
                       db_.QueryOne("INSERT INTO tasks (owner, permission, title, link, "
                                    "client_id, state, created_at) VALUES (?, ?, ?, ?, "
                                    "?, 'open', ?) RETURNING id",
                                    {owner, draft.permission, title, draft.link, client, now_()}));
  if (!row) return crm::Internal("INSERT returned no id");
  return row->Int(0);
}

crm::Result<std::vector<TaskRecord>> TaskStore::List(bool include_closed) {
  CRM_ASSIGN_OR_RETURN(auto rows, db_.QueryAll(std::string(kTaskColumns) +
                                               (include_closed ? "" : "WHERE state = 'open' ") +
                                               "ORDER BY created_at DESC, id DESC LIMIT 500"));
  std::vector<TaskRecord> out;
  for (const auto& r : rows) out.push_back(TaskFromRow(r));
  return out;
}

crm::Result<TaskRecord> TaskStore::Get(int64_t id) {
  CRM_ASSIGN_OR_RETURN(auto row, db_.QueryOne(std::string(kTaskColumns) + "WHERE id = ?", {id}));
  if (!row) return crm::NotFound("no such task");
  return TaskFromRow(*row);
}

crm::Status TaskStore::Close(int64_t id, const std::string& closed_by, const std::string& owner) {
  CRM_ASSIGN_OR_RETURN(TaskRecord task, Get(id));
  if (!owner.empty() && task.owner != owner) return crm::NotFound("no such task");
  if (task.state == "closed") return crm::Status::Ok();
  return db_
      .Exec(
          "UPDATE tasks SET state = 'closed', closed_at = ?, closed_by = ? WHERE id = ? AND "
          "state = 'open'",
          {now_(), closed_by, id})
      .status();
}

std::unique_ptr<crm::TaskInbox> TaskStore::InboxFor(std::string owner) {
  return std::make_unique<OwnedInbox>(*this, std::move(owner));
}

}  // namespace host
