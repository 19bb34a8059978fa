// hooks/deletion.cc — CD9: when the host deletes a client, the module's rows go inside the
// host's transaction and the files after its commit (rows first, so no row points at nothing).
#include "hooks/context.h"
#include "plugin/documents/document_service.h"

namespace cd::hooks {

crm::Status RegisterDeletion(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::ClientDeletionHook hook;
  hook.id = "documents";
  hook.delete_rows = [](int64_t client_id, crm::SqlExecutor& tx) {
    return DocumentService::DeleteClientRows(client_id, tx);
  };
  hook.after_commit = [ctx](int64_t client_id) {
    ctx->services.documents().RemoveClientFiles(client_id);
  };
  return registrar.AddClientDeletionHook(std::move(hook));
}

}  // namespace cd::hooks
