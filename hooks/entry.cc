// hooks/entry.cc — the module's one entry point: builds the services from the host's, then
// registers migrations, texts, permissions, scopes, every hook file's hooks and the HTTP API.
#include <memory>
#include <string>

#include "hooks/context.h"
#include "hooks/link_pages.h"
#include "host-api/plugin.h"
#include "plugin/access.h"
#include "plugin/api_routes.h"
#include "plugin/comments/comments.h"
#include "plugin/documents/retention.h"
#include "plugin/documents/scrub_job.h"
#include "plugin/embedded.h"
#include "plugin/portal/api_routes.h"
#include "plugin/reminders/reminders.h"

namespace cd::hooks {

Context::Context(crm::HostServices& host_services) : host(host_services), services(host_services) {
  for (auto& [path, content] : EmbeddedFragments()) fragments.emplace(path, std::move(content));
  // Served by hooks/assets.cc beside documents.js.
  for (auto& [path, content] : EmbeddedVendorAssets())
    fragments.emplace("assets/" + path, std::move(content));
}

std::string ProfileTabPath(int64_t client_id) {
  return "/admin/clients/" + std::to_string(client_id) + "/tabs/" + kTabId;
}

crm::Status Entry(crm::Registrar& registrar, crm::HostServices& host) {
  auto ctx = std::make_shared<Context>(host);
  CRM_ASSIGN_OR_RETURN(Texts texts, Texts::Load(ctx->fragments));
  ctx->texts = std::move(texts);

  for (crm::Migration& migration : EmbeddedMigrations()) {
    CRM_RETURN_IF_ERROR(registrar.AddMigration(std::move(migration)));
  }
  for (std::string_view language : crm::kLanguages) {
    CRM_RETURN_IF_ERROR(registrar.AddTranslations(language, ctx->texts.Entries(language)));
  }

  CRM_RETURN_IF_ERROR(registrar.DeclarePermission({kPermRead, "client-documents.permission.read"}));
  CRM_RETURN_IF_ERROR(
      registrar.DeclarePermission({kPermWrite, "client-documents.permission.write"}));
  CRM_RETURN_IF_ERROR(
      registrar.DeclarePermission({kPermSettings, "client-documents.permission.settings"}));
  CRM_RETURN_IF_ERROR(
      registrar.DeclareScope({kScopeRead, "client-documents.scope.documents_read"}));
  CRM_RETURN_IF_ERROR(
      registrar.DeclareScope({kScopeWrite, "client-documents.scope.documents_write"}));
  CRM_RETURN_IF_ERROR(
      registrar.DeclareScope({kScopeSettings, "client-documents.scope.settings_write"}));

  CRM_RETURN_IF_ERROR(RegisterListColumn(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterListFilters(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterSummaryBox(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterProfileTab(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterDeletion(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterMenu(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterGate(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterClientArea(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterSettingsPage(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterTypePages(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterAssets(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterJournalPages(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterReviewPages(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterDemoData(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterLinkPages(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterLinkTab(registrar, ctx));
  // The API routes reference the services, which the Context owns; the Context is kept
  // alive by the hooks above for as long as the host keeps them, and the host keeps a
  // plugin's hooks for the process life, so a plain reference is enough here.
  CRM_RETURN_IF_ERROR(RegisterApiRoutes(registrar, ctx->services));
  CRM_RETURN_IF_ERROR(RegisterResumableUploads(registrar, ctx));
  // Attestations (issue 13): their own routes table and the PDF worker.
  CRM_RETURN_IF_ERROR(RegisterAttestations(registrar, ctx));
  // The portal (issue 12, PT8, PT7 export): its routes table, the client page and the tab.
  CRM_RETURN_IF_ERROR(RegisterPortalRoutes(registrar, ctx->services));
  CRM_RETURN_IF_ERROR(RegisterPortalPages(registrar, ctx));

  // Orphan blobs (a crash between rename and row) and stale temp files: at start-up, then
  // hourly (host API 1.3).
  auto scrub = std::make_shared<ScrubJob>(ctx->services.documents(), host);
  CRM_RETURN_IF_ERROR(registrar.AddScheduledJobRunAtStart(
      crm::ScheduledJob{"scrub", kScrubEverySeconds, [ctx, scrub]() { return scrub->Run(); }}));
  // The same scrub on demand, with its report: `sample-host scrub` (host API 1.4, SPEC §6).
  CRM_RETURN_IF_ERROR(registrar.AddMaintenanceCommand(
      crm::MaintenanceCommand{"scrub", [ctx, scrub]() { return scrub->RunNow(); }}));
  // PT3: comments are mailed in batches once their side has been quiet for 10 minutes.
  CRM_RETURN_IF_ERROR(registrar.AddScheduledJob(
      crm::ScheduledJob{"comment-mails", kCommentMailEverySeconds,
                        [ctx]() { return SendCommentMails(ctx->services).status(); }}));
  // PT6: reminders, at most one mail a client a day (the job claims the day).
  CRM_RETURN_IF_ERROR(
      registrar.AddScheduledJob(crm::ScheduledJob{"reminders", kReminderEverySeconds, [ctx]() {
                                                    return SendReminders(ctx->services).status();
                                                  }}));
  // PT7: archived versions past their type's retention_days.
  CRM_RETURN_IF_ERROR(registrar.AddScheduledJob(
      crm::ScheduledJob{"retention", kRetentionEverySeconds,
                        [ctx]() { return PurgeExpiredVersions(ctx->services).status(); }}));
  return crm::Status::Ok();
}

}  // namespace cd::hooks

CRM_PLUGIN("client-documents", "Client Documents", "1.0.0", cd::hooks::Entry)
