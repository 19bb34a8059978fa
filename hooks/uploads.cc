// hooks/uploads.cc — X2: registers the tus routes (plugin/uploads/tus_routes.h) and the hourly
// sweep of expired uploads and orphan parts (plugin/uploads/use_cases.h, SweepUploads).
#include "hooks/context.h"
#include "plugin/uploads/tus_routes.h"
#include "plugin/uploads/use_cases.h"

namespace cd::hooks {

namespace {
constexpr int64_t kSweepEverySeconds = 3600;
}  // namespace

crm::Status RegisterResumableUploads(crm::Registrar& registrar, const ContextPtr& ctx) {
  // The routes hold the services by reference: the Context outlives them (see entry.cc).
  CRM_RETURN_IF_ERROR(RegisterTusRoutes(registrar, ctx->services));
  return registrar.AddScheduledJob(crm::ScheduledJob{"upload-sweep", kSweepEverySeconds, [ctx]() {
                                                       return SweepUploads(ctx->services).status();
                                                     }});
}

}  // namespace cd::hooks
