// host-api/contracts.h — host API 1.3: a read-only view of the host's insurance contracts
// (products, contracts per client, receipts, beneficiaries) and the staff task inbox. A host
// without contracts returns nullptr from HostServices::Contracts(); plugins then offer
// client-level features only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "status.h"

namespace crm {

struct ContractReceipt {
  int64_t id = 0;
  std::string period_start;  // YYYY-MM-DD, inclusive
  std::string period_end;    // YYYY-MM-DD, inclusive
  int64_t amount_cents = 0;
  bool paid = false;
};

struct ContractBeneficiary {
  int64_t id = 0;
  std::string kind;  // "person", "vehicle" or "building"
  std::string label;
};

struct ContractInfo {
  int64_t id = 0;
  int64_t client_id = 0;
  std::string product_code;
  std::string product_name;
  std::string number;
  std::string status;    // "pending", "active" or "terminated"
  std::string start_on;  // YYYY-MM-DD
  std::string end_on;    // YYYY-MM-DD or empty (open-ended)
};

// A product contracts are made for (its code is what plugins attach things to).
struct ContractProduct {
  std::string code;
  std::string name;
};

// One contract with everything a plugin may read about it.
struct ContractDetail {
  ContractInfo contract;
  std::vector<ContractReceipt> receipts;  // by period_start
  std::vector<ContractBeneficiary> beneficiaries;
};

// Thread-safe, read-only.
class ContractView {
 public:
  virtual ~ContractView() = default;
  // The client's contracts, newest first (empty for a client without any, or unknown).
  virtual Result<std::vector<ContractInfo>> ClientContracts(int64_t client_id) = 0;
  // kNotFound when no such contract exists.
  virtual Result<ContractDetail> FindContract(int64_t contract_id) = 0;
  // Every product, by code (appended in 1.3 for the module's template pages; a view without
  // products answers an empty list).
  virtual Result<std::vector<ContractProduct>> Products() { return std::vector<ContractProduct>{}; }
};

// A task for the staff who hold `permission` (e.g. "documents.write"), shown at /admin/tasks.
struct TaskDraft {
  std::string permission;
  std::string title;      // already in the staff's language or neutral
  std::string link;       // a path on this host ("/admin/clients/3?tab=...")
  int64_t client_id = 0;  // 0: about no client
};

// Thread-safe. Tasks belong to whoever created them (the plugin id).
class TaskInbox {
 public:
  virtual ~TaskInbox() = default;
  // The new task's id. kInvalidArgument without a permission or a title, or for a link
  // that is not a path on this host.
  virtual Result<int64_t> CreateTask(const TaskDraft& draft) = 0;
  // Closes one of the caller's own tasks (no-op when already closed); kNotFound otherwise.
  virtual Status CloseTask(int64_t task_id, const std::string& closed_by) = 0;
};

}  // namespace crm
