// sample-host/web/contract_pages.h — the host's contract and task pages (issue 13, host API 1.3):
//   GET  /account/contracts               the client's contracts (phone-friendly cards), each
//                                          active one linking to the attestation request form
//                                          a plugin serves at /account/contracts/{id}/attestation
//   GET  /admin/clients/{id}/contracts    one client's contracts, receipts and beneficiaries (also
//                                          the profile tab "host.contracts")
//   GET  /admin/tasks[?all=1]             the task inbox (tasks of the viewer's permissions)
//   POST /admin/tasks/{id}/close          closes one (CSRF form), back to /admin/tasks
#pragma once

#include "host-api/registrar.h"
#include "sample-host/app/contract_store.h"
#include "sample-host/app/task_store.h"
#include "sample-host/core/time_zone.h"

namespace host::web {

// `contracts` and `tasks` must outlive the server. Texts (en/fr/nl) come from the file's table.
// Without `with_contracts` (serve --without-contracts) only the task inbox is registered, and
// the reserved area's "Contracts" menu entry is removed. Task times show in `zone` (issue
// 15.14), which must outlive the server too.
crm::Status RegisterContractPages(crm::Registrar& registrar, ContractStore& contracts,
                                  TaskStore& tasks, bool with_contracts, const HostTimeZone& zone);

}  // namespace host::web
