// hooks/list_filters.cc — CD7: one client-list filter per active document type, "doc.<id>" =
// uploaded | missing; the predicates are the logic's, ANDed into the host's own list query.
#include <string>
#include <vector>

#include "hooks/context.h"
#include "plugin/documents/document_service.h"

namespace cd::hooks {

crm::Status RegisterListFilters(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::ListFilterSource source;
  source.id = "documents";
  source.list = [ctx](std::string_view language) {
    std::vector<crm::FilterDef> filters;
    crm::Result<std::vector<DocumentType>> types = ctx->services.types().List(false);
    if (!types.ok()) {
      // The list page still works without our filters; say why they are gone.
      ctx->host.Log(crm::LogLevel::kError,
                    "client-documents: listing filters: " + types.status().ToString());
      return filters;
    }
    for (const DocumentType& type : *types) {
      filters.push_back(crm::FilterDef{"doc." + std::to_string(type.id),
                                       type.name.Get(language),
                                       {{"uploaded", ctx->texts.Get(language, "filter.uploaded")},
                                        {"missing", ctx->texts.Get(language, "filter.missing")}}});
    }
    return filters;
  };
  // The service's predicate also checks that the type exists: "doc.<id>" of an unknown
  // type is then no filter of this source, and the host answers 400 as for any unknown filter.
  source.predicate = [ctx](std::string_view filter_id, std::string_view value) {
    return ctx->services.documents().FilterPredicate(filter_id, value);
  };
  CRM_RETURN_IF_ERROR(registrar.AddListFilterSource(std::move(source)));
  // How the host counts them (host API 1.2): sets, and "missing" as all minus the set.
  crm::ListFilterCount count;
  count.source_id = "documents";
  count.count = [ctx](std::string_view filter_id, std::string_view value) {
    return ctx->services.documents().FilterCount(filter_id, value);
  };
  return registrar.AddListFilterCount(std::move(count));
}

}  // namespace cd::hooks
