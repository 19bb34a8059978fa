// tests/e2e/hold_plugin.cc — a tiny plugin for the app's end-to-end tests: a list column and a
// filter on the "legal-hold" tag, and a deletion hook that refuses to delete a client on hold (SPEC
// H6).
#include "host-api/plugin.h"

namespace {

constexpr char kHoldSql[] =
    "EXISTS (SELECT 1 FROM client_tags t WHERE t.client_id = c.id AND t.tag = ?)";

crm::Status Entry(crm::Registrar& r, crm::HostServices&) {
  crm::ListColumn column;
  column.id = "hold";
  column.label_key = "e2e-hold.column";
  column.sql = kHoldSql;
  column.params = {std::string("legal-hold")};
  column.render_html = [](const crm::SqlValue& v, std::string_view) {
    const int64_t* n = std::get_if<int64_t>(&v);
    return std::string(n && *n ? "hold" : "-");
  };
  CRM_RETURN_IF_ERROR(r.AddListColumn(std::move(column)));

  crm::ListFilterSource filters;
  filters.id = "hold";
  filters.list = [](std::string_view) {
    return std::vector<crm::FilterDef>{{"hold", "Legal hold", {{"yes", "Yes"}, {"no", "No"}}}};
  };
  filters.predicate = [](std::string_view id,
                         std::string_view value) -> crm::Result<crm::SqlPredicate> {
    if (id != "hold") return crm::NotFound("not ours");
    if (value == "yes") return crm::SqlPredicate{kHoldSql, {std::string("legal-hold")}};
    if (value == "no")
      return crm::SqlPredicate{std::string("NOT ") + kHoldSql, {std::string("legal-hold")}};
    return crm::InvalidArgument("hold: yes or no");
  };
  CRM_RETURN_IF_ERROR(r.AddListFilterSource(std::move(filters)));

  crm::ClientDeletionHook hook;
  hook.id = "refuse-on-hold";
  hook.delete_rows = [](int64_t client_id, crm::SqlExecutor& tx) -> crm::Status {
    auto row = tx.QueryOne(std::string("SELECT ") + kHoldSql + " FROM clients c WHERE c.id = ?",
                           {std::string("legal-hold"), client_id});
    if (!row.ok()) return row.status();
    if (row->has_value() && (*row)->Int(0) != 0)
      return crm::Conflict("the client is under legal hold");
    return crm::Status::Ok();
  };
  CRM_RETURN_IF_ERROR(r.AddClientDeletionHook(std::move(hook)));

  for (const char* lang : {"en", "fr", "nl"}) {
    CRM_RETURN_IF_ERROR(r.AddTranslations(lang, {{"e2e-hold.column", "Hold"}}));
  }
  return crm::Status::Ok();
}

}  // namespace

CRM_PLUGIN("e2e-hold", "E2E legal hold", "1.0.0", Entry)
