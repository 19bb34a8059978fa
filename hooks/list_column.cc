// hooks/list_column.cc — CD6: the "Documents" Yes/No column of the host's client list.
// The SQL comes from the logic (one expression for the whole page); this file only labels it.
#include <string>

#include "hooks/context.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/review/review_store.h"

namespace cd::hooks {

crm::Status RegisterListColumn(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::ListColumn column;
  column.id = "status";
  column.label_key = "client-documents.column.header";
  // "yes" when every active required type is uploaded, approved or expiring (SPEC §6).
  column.sql = CompletenessSql(ctx->host.Db().Dialect());
  column.render_html = [ctx](const crm::SqlValue& value, std::string_view language) {
    const std::string* text = std::get_if<std::string>(&value);
    bool yes = text && *text == "yes";
    std::string label = ctx->texts.Get(language, yes ? "column.yes" : "column.no");
    // The host's badge classes: the list page is the host's, our stylesheet is not on it.
    return std::string("<span class=\"badge ") + (yes ? "badge-ok" : "badge-warn") +
           " cd-status cd-status-" + (yes ? "yes" : "no") + "\">" + crm::text::EscapeHtml(label) +
           "</span>";
  };
  CRM_RETURN_IF_ERROR(registrar.AddListColumn(std::move(column)));
  // Issue 15.7: the column tells what the Documents tab tells, so it needs what the tab
  // needs (host API 1.4); a token needs documents:read too.
  return registrar.RequireListAccess({crm::ListHookKind::kColumn, "status", kPermRead, kScopeRead});
}

}  // namespace cd::hooks
