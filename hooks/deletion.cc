// hooks/deletion.cc — CD9: when the host deletes a client, the module's rows go inside the
// host's transaction and the files after its commit (rows first, so no row points at nothing);
// the journal's entries about the client lose their personal data (PT7).
#include "hooks/context.h"
#include "plugin/comments/comments.h"
#include "plugin/documents/document_service.h"
#include "plugin/journal/journal.h"
#include "plugin/links/links.h"
#include "plugin/portal/use_cases.h"
#include "plugin/reminders/reminders.h"
#include "plugin/uploads/upload_store.h"
#include "plugin/uploads/use_cases.h"

namespace cd::hooks {

crm::Status RegisterDeletion(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::ClientDeletionHook hook;
  hook.id = "documents";
  hook.delete_rows = [ctx](int64_t client_id, crm::SqlExecutor& tx) {
    CRM_RETURN_IF_ERROR(DocumentService::DeleteClientRows(client_id, tx));
    CRM_RETURN_IF_ERROR(DeleteClientComments(tx, client_id));
    CRM_RETURN_IF_ERROR(DeleteClientLinks(tx, client_id));
    CRM_RETURN_IF_ERROR(UploadStore::DeleteClientRows(client_id, tx));
    // Projects, shared documents, their files' rows and payments (their objects are under
    // files/<client_id>/ too, removed after the commit).
    CRM_RETURN_IF_ERROR(DeleteClientPortal(tx, client_id));
    CRM_RETURN_IF_ERROR(DeleteClientReminders(tx, client_id));
    // PT7: the journal keeps its rows (the chain) and loses the client's personal data.
    return Journal::EraseClient(tx, ctx->host.NowUnix(), client_id);
  };
  hook.after_commit = [ctx](int64_t client_id) {
    ctx->services.documents().RemoveClientFiles(client_id);
    RemoveClientUploads(ctx->services, client_id);
  };
  return registrar.AddClientDeletionHook(std::move(hook));
}

}  // namespace cd::hooks
