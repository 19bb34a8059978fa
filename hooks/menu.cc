// hooks/menu.cc — CD4: the "My documents" entry of the reserved-area menu, present only
// while the admin's "show the section in the client area" setting is on.
#include <string>
#include <vector>

#include "hooks/context.h"

namespace cd::hooks {

crm::Status RegisterMenu(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::MenuFilter filter;
  filter.id = "my-documents";
  filter.area = crm::MenuArea::kAccount;
  filter.filter = [ctx](std::vector<crm::MenuItem> items, const crm::Principal& viewer) {
    crm::Result<Settings> settings = ctx->services.settings().Get();
    if (!settings.ok()) {
      ctx->host.Log(crm::LogLevel::kError,
                    "client-documents: menu: " + settings.status().ToString());
      return items;
    }
    if (!settings->show_menu_entry) return items;
    items.push_back(crm::MenuItem{"client-documents.my-documents",
                                  ctx->texts.Get(viewer.language, "menu.my_documents"),
                                  kAccountPage, 50});
    return items;
  };
  return registrar.AddMenuFilter(std::move(filter));
}

}  // namespace cd::hooks
