// hooks/gate.cc — CD3: with the mandatory gate on, a client missing an active required
// document (or with it rejected or expired) is sent to "My documents" from every other
// reserved-area page.
#include <string>
#include <string_view>

#include "hooks/context.h"
#include "plugin/review/review_store.h"
#include "plugin/review/state.h"

namespace cd::hooks {

namespace {

// Pages the gate never blocks: its own target (and its uploads, files, thumbnails),
// logging in and out, and static assets. Prefixes end on a segment boundary so that
// "/account/documentsX" is not mistaken for "/account/documents".
bool AlwaysReachable(std::string_view path) {
  auto under = [&](std::string_view prefix) {
    return path == prefix ||
           (path.substr(0, prefix.size()) == prefix && path.size() > prefix.size() &&
            (path[prefix.size()] == '/' || path[prefix.size()] == '?'));
  };
  return under(kAccountPage) || under("/account/logout") || under("/account/login") ||
         under("/assets") || under("/account/assets");
}

}  // namespace

crm::Status RegisterGate(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::AccessGate gate;
  gate.id = "mandatory-documents";
  gate.check = [ctx](const crm::Principal& client, std::string_view path) {
    if (AlwaysReachable(path) || !client.IsClient()) return crm::GateDecision::Allow();
    crm::Result<Settings> settings = ctx->services.settings().Get();
    if (!settings.ok()) {
      // Fail open: a database hiccup must not lock every client out of their area;
      // the documents themselves stay protected by their own checks.
      ctx->host.Log(crm::LogLevel::kError,
                    "client-documents: gate: " + settings.status().ToString());
      return crm::GateDecision::Allow();
    }
    if (!settings->mandatory_gate) return crm::GateDecision::Allow();
    // A rejected or expired required document counts as missing (SPEC §6).
    crm::Result<RequiredCounts> counts =
        CountRequired(ctx->host.Db(), client.client_id, IsoDate(ctx->host.NowUnix()));
    if (!counts.ok()) {
      ctx->host.Log(crm::LogLevel::kError, "client-documents: gate: " + counts.status().ToString());
      return crm::GateDecision::Allow();
    }
    if (counts->satisfied >= counts->required) return crm::GateDecision::Allow();
    return crm::GateDecision::RedirectTo(std::string(kAccountPage) + "?gate=1");
  };
  return registrar.AddAccessGate(std::move(gate));
}

}  // namespace cd::hooks
