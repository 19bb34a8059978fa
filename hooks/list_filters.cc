// hooks/list_filters.cc — CD7: one client-list filter per active document type, "doc.<id>" =
// uploaded | missing, and the review and expiry states (SPEC §6); the predicates are the logic's,
// ANDed into the host's own list query, their counting forms, sizes and client sets; and the job
// that keeps schema 16's expiry stages on today.
#include <functional>
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/documents/document_service.h"
#include "plugin/documents/list_sql.h"
#include "plugin/review/expiry_stages.h"
#include "plugin/review/review_store.h"
#include "plugin/review/state.h"

namespace cd::hooks {

namespace {

constexpr int64_t kExpiryStagesEverySeconds = 60;

// `doc.<type_id>` with a review or expiry state (pending … expired): the type, or kNotFound
// when it does not exist; nullopt for anything else (the documents feature's uploaded /
// missing, or not ours).
std::optional<crm::Result<DocumentType>> ReviewStateFilter(Context& ctx, std::string_view filter_id,
                                                           std::string_view value) {
  std::optional<DocumentStatus> status = ParseDocumentStatus(value);
  if (!status || *status == DocumentStatus::kMissing || *status == DocumentStatus::kUploaded)
    return std::nullopt;
  std::optional<int64_t> type_id;
  if (filter_id.substr(0, 4) == "doc.") type_id = crm::text::ParseId(filter_id.substr(4));
  if (!type_id) return std::nullopt;
  return ctx.services.types().Get(*type_id);
}

// `doc.<type_id>=value` answered by the feature that owns the value: the review feature's
// `review` for a review or expiry state of an existing type, the documents feature's `documents`
// for the rest (uploaded / missing, or a filter that is not ours).
template <typename R>
crm::Result<R> ByFeature(Context& ctx, std::string_view filter_id, std::string_view value,
                         const std::function<crm::Result<R>(const DocumentType&)>& review,
                         const std::function<crm::Result<R>()>& documents) {
  if (auto type = ReviewStateFilter(ctx, filter_id, value)) {
    CRM_ASSIGN_OR_RETURN(DocumentType t, *type);
    return review(t);
  }
  return documents();
}

// Schema 16's stored stage day when `needed` (one row read), else "".
crm::Result<std::string> StageDayIf(Context& ctx, bool needed) {
  if (!needed) return std::string();
  return ExpiryStageDay(ctx.host.Db());
}

// The expiry stages the counts read follow the day (schema 16): at start-up, then each minute (a
// read when the day has not changed). Until the job has run on a new day, counts test dates.
crm::Status RegisterExpiryStagesJob(crm::Registrar& registrar, const ContextPtr& ctx) {
  return registrar.AddScheduledJobRunAtStart(crm::ScheduledJob{
      "expiry-stages", kExpiryStagesEverySeconds, [ctx]() {
        return BringExpiryStagesTo(ctx->host.Db(), IsoDate(ctx->host.NowUnix())).status();
      }});
}

// The filters' client sets (host API 1.6), kept by schema 18's triggers: the host counts a
// combination of filters by ANDing its bitmaps of them.
crm::Status RegisterFilterSets(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::ListFilterSets sets;
  sets.source_id = "documents";
  sets.sets = [ctx](std::string_view filter_id, std::string_view value) {
    return ByFeature<crm::ClientSetFormula>(
        *ctx, filter_id, value,
        [&](const DocumentType& t) -> crm::Result<crm::ClientSetFormula> {
          // Schema 16's day, for the states whose sets move with it.
          CRM_ASSIGN_OR_RETURN(std::string stage_day,
                               StageDayIf(*ctx, value != "pending" && value != "rejected"));
          return StateFilterSets(t, value, IsoDate(ctx->host.NowUnix()), stage_day);
        },
        [&] { return DocumentFilterSets(filter_id, value); });
  };
  return registrar.AddListFilterSets(std::move(sets));
}

}  // namespace

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
      crm::FilterDef def{"doc." + std::to_string(type.id),
                         type.name.Get(language),
                         {{"uploaded", ctx->texts.Get(language, "filter.uploaded")},
                          {"missing", ctx->texts.Get(language, "filter.missing")}}};
      // The review and expiry states where the type has them (SPEC §6).
      std::vector<DocumentStatus> states;
      if (type.review)
        states = {DocumentStatus::kPending, DocumentStatus::kApproved, DocumentStatus::kRejected};
      if (!type.expiry_field.empty()) {
        states.push_back(DocumentStatus::kExpiring);
        states.push_back(DocumentStatus::kExpired);
      }
      for (DocumentStatus s : states) {
        def.choices.push_back(
            {std::string(DocumentStatusName(s)), ctx->texts.Get(language, StateKey(s))});
      }
      filters.push_back(std::move(def));
    }
    return filters;
  };
  // The service's predicate also checks that the type exists: "doc.<id>" of an unknown
  // type is then no filter of this source, and the host answers 400 as for any unknown filter.
  source.predicate = [ctx](std::string_view filter_id, std::string_view value) {
    return ByFeature<crm::SqlPredicate>(
        *ctx, filter_id, value,
        [&](const DocumentType& t) {
          return StateFilterPredicate(t, value, IsoDate(ctx->host.NowUnix()),
                                      ctx->host.Db().Dialect());
        },
        [&] { return ctx->services.documents().FilterPredicate(filter_id, value); });
  };
  CRM_RETURN_IF_ERROR(registrar.AddListFilterSource(std::move(source)));
  // How the host counts them (host API 1.2): sets, and "missing" as all minus the set.
  crm::ListFilterCount count;
  count.source_id = "documents";
  count.count = [ctx](std::string_view filter_id, std::string_view value) {
    return ByFeature<crm::FilterCountPredicate>(
        *ctx, filter_id, value,
        [&](const DocumentType& t) -> crm::Result<crm::FilterCountPredicate> {
          // Schema 16's day, for the states it serves.
          CRM_ASSIGN_OR_RETURN(std::string stage_day,
                               StageDayIf(*ctx, value == "expiring" || value == "expired"));
          return StateFilterCount(t, value, IsoDate(ctx->host.NowUnix()), ctx->host.Db().Dialect(),
                                  stage_day);
        },
        [&] { return ctx->services.documents().FilterCount(filter_id, value); });
  };
  CRM_RETURN_IF_ERROR(registrar.AddListFilterCount(std::move(count)));
  // Their exact sizes from the counters of schemas 10 and 12 (host API 1.4).
  crm::ListFilterSize size;
  size.source_id = "documents";
  size.size = [ctx](std::string_view filter_id, std::string_view value) {
    return ByFeature<crm::SqlPredicate>(
        *ctx, filter_id, value,
        [&](const DocumentType& t) {
          return StateFilterSize(t, value, IsoDate(ctx->host.NowUnix()));
        },
        [&] { return DocumentFilterSize(filter_id, value); });
  };
  CRM_RETURN_IF_ERROR(registrar.AddListFilterSize(std::move(size)));
  CRM_RETURN_IF_ERROR(RegisterFilterSets(registrar, ctx));
  CRM_RETURN_IF_ERROR(RegisterExpiryStagesJob(registrar, ctx));
  // Issue 15.7: the doc.* filters read documents (host API 1.4), as the column does.
  return registrar.RequireListAccess(
      {crm::ListHookKind::kFilterSource, "documents", kPermRead, kScopeRead});
}

}  // namespace cd::hooks
