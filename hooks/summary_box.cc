// hooks/summary_box.cc — CD8: the "Documents" box of the admin client profile's sidebar:
// Uploaded / Not uploaded with the count of required documents ("3 of 4 required").
#include <string>

#include "hooks/context.h"
#include "hooks/view.h"
#include "plugin/access.h"

namespace cd::hooks {

crm::Status RegisterSummaryBox(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::SummaryBox box;
  box.id = "documents";
  box.permission = kPermRead;
  box.render = [ctx](const crm::ClientInfo& client,
                     const crm::Principal& viewer) -> crm::Result<std::string> {
    CRM_ASSIGN_OR_RETURN(Completeness counts, ctx->services.documents().CountFor(client.id));
    const std::string& lang = viewer.language;
    Data data;
    data.set("complete", counts.complete());
    data.set("has_required", counts.required_total > 0);
    data.set("counts", ctx->texts.Format(lang, "box.counts",
                                         {{"uploaded", std::to_string(counts.required_uploaded)},
                                          {"required", std::to_string(counts.required_total)}}));
    data.set("tab_url", ProfileTabPath(client.id));
    return Render(*ctx, "summary_box", lang, std::move(data));
  };
  return registrar.AddSummaryBox(std::move(box));
}

}  // namespace cd::hooks
