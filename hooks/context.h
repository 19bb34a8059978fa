// hooks/context.h — what every hook file shares: the module's services, its texts and
// templates (one Context per entry call), and the registration function of each hook file.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "hooks/texts.h"
#include "host-api/registrar.h"
#include "host-api/services.h"
#include "host-api/status.h"
#include "plugin/model.h"
#include "plugin/services.h"

namespace cd::hooks {

// Built once by Entry. Every registered callable holds a shared_ptr to it, so it lives
// exactly as long as the host keeps the hooks (the process, in production; one test in
// the tests). Thread-safe: everything in it is immutable or thread-safe itself.
struct Context {
  explicit Context(crm::HostServices& host_services);

  crm::HostServices& host;
  Services services;
  Texts texts;
  // ui-fragments/ files by relative path ("templates/client_area.mustache").
  std::map<std::string, std::string, std::less<>> fragments;
};

using ContextPtr = std::shared_ptr<Context>;

// The module's entry (CRM_PLUGIN in entry.cc calls it): builds the Context and
// registers migrations, translations, permissions, scopes, every hook and the API.
crm::Status Entry(crm::Registrar& registrar, crm::HostServices& host);

// One per hook file; each registers that file's hook(s) and routes.
crm::Status RegisterListColumn(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterListFilters(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterSummaryBox(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterProfileTab(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterDeletion(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterMenu(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterGate(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterClientArea(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterSettingsPage(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterTypePages(crm::Registrar& registrar, const ContextPtr& ctx);
crm::Status RegisterAssets(crm::Registrar& registrar, const ContextPtr& ctx);
// PT4, X5: the Journal profile tab, the admin journal page and its menu entry.
crm::Status RegisterJournalPages(crm::Registrar& registrar, const ContextPtr& ctx);
// PT5: the review queue page and its admin menu entry.
crm::Status RegisterReviewPages(crm::Registrar& registrar, const ContextPtr& ctx);
// X2: resumable uploads (tus) on the API and in the client area, and the sweep of expired ones.
crm::Status RegisterResumableUploads(crm::Registrar& registrar, const ContextPtr& ctx);
// Host API 1.1: demo types, settings and documents for `sample-host serve --demo`.
crm::Status RegisterDemoData(crm::Registrar& registrar, const ContextPtr& ctx);
// Attestations (issue 13): templates, requests, decisions and the PDF worker (attestations.cc).
crm::Status RegisterAttestations(crm::Registrar& registrar, std::shared_ptr<Context> ctx);

// Portal (issue 12): the client's "Shared with me" page, its menu entry and the Portal tab.
crm::Status RegisterPortalPages(crm::Registrar& registrar, const ContextPtr& ctx);

// Paths shared by several files.
inline constexpr char kPluginId[] = "client-documents";
inline constexpr char kAdminPrefix[] = "/admin/plugins/client-documents";
inline constexpr char kAssetPrefix[] = "/assets/plugins/client-documents";
inline constexpr char kAccountPage[] = "/account/documents";
inline constexpr char kTabId[] = "documents";
// The module's settings page (the types' pages send the admin back there).
inline const std::string kSettingsPath = std::string(kAdminPrefix) + "/settings";
inline const std::string kTypesPath = std::string(kAdminPrefix) + "/types";

// "/admin/clients/12/tabs/documents": where admin actions send the admin back.
std::string ProfileTabPath(int64_t client_id);

}  // namespace cd::hooks
