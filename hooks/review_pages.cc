// hooks/review_pages.cc — PT5 on the admin pages: the review queue (every pending document,
// oldest first, across clients) and its admin menu entry. An adapter over
// plugin/review/use_cases.h; approving and rejecting happen on the client's Documents tab.
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/page_routes.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/review/use_cases.h"

namespace cd::hooks {

namespace {

inline const std::string kQueuePath = std::string(kAdminPrefix) + "/review";
constexpr int kQueueLimit = 500;

crm::Status ShowQueue(Context& ctx, crm::Request& request, crm::Response& response) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  CRM_ASSIGN_OR_RETURN(std::vector<QueueItem> queue,
                       ListReviewQueue(ctx.services, caller, kQueueLimit));
  DataList rows;
  for (const QueueItem& item : queue) {
    crm::Result<crm::ClientInfo> client = ctx.host.FindClient(item.client_id);
    crm::Result<DocumentType> type = ctx.services.types().Get(item.type_id);
    if (!client.ok() || !type.ok()) continue;  // deleted meanwhile
    Data r;
    r.set("client", client->DisplayName());
    r.set("document", type->name.Get(lang));
    r.set("since", FormatDateTime(ctx.host, lang, item.uploaded_at));
    r.set("url", ProfileTabPath(item.client_id) + "#cd-doc-" + std::to_string(item.type_id));
    rows.push_back(std::move(r));
  }
  Data data;
  data.set("items", rows);
  data.set("empty", rows.empty());
  CRM_ASSIGN_OR_RETURN(std::string body, Render(ctx, "review_queue", lang, std::move(data)));
  return response.SendPage(crm::PageReply{crm::PageReply::Layout::kAdmin,
                                          ctx.texts.Get(lang, "review.queue_title"),
                                          std::move(body), 200});
}

}  // namespace

crm::Status RegisterReviewPages(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::MenuFilter menu;
  menu.id = "review-queue";
  menu.area = crm::MenuArea::kAdmin;
  menu.filter = [ctx](std::vector<crm::MenuItem> items, const crm::Principal& viewer) {
    if (viewer.HasPermission(kPermRead)) {
      items.push_back(crm::MenuItem{"client-documents.review-queue",
                                    ctx->texts.Get(viewer.language, "review.queue_title"),
                                    kQueuePath, 79});
    }
    return items;
  };
  CRM_RETURN_IF_ERROR(registrar.AddMenuFilter(std::move(menu)));
  const crm::Audience reader{crm::Audience::Kind::kAdmin, kPermRead, ""};
  return AddPageRoutes(registrar, ctx, {{"GET", kQueuePath, reader, 0, ShowQueue}});
}

}  // namespace cd::hooks
