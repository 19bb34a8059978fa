// hooks/summary_box.cc — CD8: the "Documents" box of the admin client profile's sidebar:
// Uploaded / Not uploaded with the count of required documents ("3 of 4 required").
#include <string>

#include <map>
#include <vector>

#include "hooks/context.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/documents/use_cases.h"
#include "plugin/review/state.h"

namespace cd::hooks {

crm::Status RegisterSummaryBox(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::SummaryBox box;
  box.id = "documents";
  box.permission = kPermRead;
  box.render = [ctx](const crm::ClientInfo& client,
                     const crm::Principal& viewer) -> crm::Result<std::string> {
    // Counted from each document's state (plugin/review/state.h): a rejected or expired
    // required document is not there.
    CRM_ASSIGN_OR_RETURN(std::vector<ClientDocument> docs,
                         ListDocuments(ctx->services, viewer, client.id));
    const std::string& lang = viewer.language;
    int required = 0, satisfied = 0;
    std::map<DocumentStatus, int> by_state;
    for (const ClientDocument& d : docs) {
      if (!d.type.active) continue;
      ++by_state[d.status];
      if (d.type.upload_mode != UploadMode::kRequired) continue;
      ++required;
      if (IsSatisfied(d.status)) ++satisfied;
    }
    DataList states;
    for (DocumentStatus s : {DocumentStatus::kPending, DocumentStatus::kRejected,
                             DocumentStatus::kExpiring, DocumentStatus::kExpired}) {
      if (by_state[s] == 0) continue;
      Data st;
      st.set("state", std::string(DocumentStatusName(s)));
      st.set("text", ctx->texts.Format(lang, "box.state_count",
                                       {{"count", std::to_string(by_state[s])},
                                        {"state", ctx->texts.Get(lang, StateKey(s))}}));
      states.push_back(std::move(st));
    }
    Data data;
    data.set("complete", satisfied >= required);
    data.set("has_required", required > 0);
    data.set("states", states);
    data.set("counts", ctx->texts.Format(lang, "box.counts",
                                         {{"uploaded", std::to_string(satisfied)},
                                          {"required", std::to_string(required)}}));
    data.set("tab_url", ProfileTabPath(client.id));
    return Render(*ctx, "summary_box", lang, std::move(data));
  };
  return registrar.AddSummaryBox(std::move(box));
}

}  // namespace cd::hooks
