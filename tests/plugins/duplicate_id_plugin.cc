// tests/plugins/duplicate_id_plugin.cc — registers two columns with one id and IGNORES the error:
// the registrar must still fail the whole plugin.
#include "host-api/plugin.h"

namespace {
crm::Status Register(crm::Registrar& r, crm::HostServices&) {
  for (int i = 0; i < 2; ++i) {
    crm::ListColumn column;
    column.id = "twice";
    column.sql = "(SELECT 1)";
    column.render_html = [](const crm::SqlValue&, std::string_view) { return std::string("1"); };
    (void)r.AddListColumn(std::move(column));
  }
  return crm::Status::Ok();
}
}  // namespace

CRM_PLUGIN("test-duplicate-id", "Duplicate id", "1.0.0", Register)
