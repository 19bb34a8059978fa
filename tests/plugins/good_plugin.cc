// tests/plugins/good_plugin.cc — a well-formed plugin: one column, route, menu filter, translations
// and a migration. Its load marker is the positive control for the "no code runs" check.
#include "host-api/plugin.h"
#include "tests/plugins/marker.h"

CRM_TEST_WRITE_MARKER_ON_LOAD("good")

namespace {

crm::Status Register(crm::Registrar& r, crm::HostServices& host) {
  host.Log(crm::LogLevel::kInfo, "good plugin registering");
  CRM_RETURN_IF_ERROR(
      r.AddMigration({1, "0001_items.sql",
                      "CREATE TABLE good_items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
                      "INSERT INTO good_items (name) VALUES ('first');\n"}));
  crm::ListColumn column;
  column.id = "status";
  column.label_key = "good.status";
  column.sql = "(SELECT 'ok')";
  column.render_html = [](const crm::SqlValue&, std::string_view) { return std::string("ok"); };
  CRM_RETURN_IF_ERROR(r.AddListColumn(std::move(column)));
  crm::Route route;
  route.method = "GET";
  route.pattern = "/api/v1/plugins/test-good/items/{item_id}";
  route.audience.kind = crm::Audience::Kind::kApiToken;
  route.handler = [](crm::Request&, crm::Response& response) { return response.SendJson("{}"); };
  CRM_RETURN_IF_ERROR(r.AddRoute(std::move(route)));
  crm::MenuFilter menu;
  menu.id = "menu";
  menu.filter = [](std::vector<crm::MenuItem> items, const crm::Principal&) {
    items.push_back({"good", "Good", "/account/good", 50});
    return items;
  };
  CRM_RETURN_IF_ERROR(r.AddMenuFilter(std::move(menu)));
  CRM_RETURN_IF_ERROR(r.AddTranslations("en", {{"good.status", "Good"}}));
  CRM_RETURN_IF_ERROR(r.AddTranslations("fr", {{"good.status", "Bon"}}));
  CRM_RETURN_IF_ERROR(r.AddTranslations("nl", {{"good.status", "Goed"}}));
  return crm::Status::Ok();
}

}  // namespace

CRM_PLUGIN("test-good", "Good test plugin", "1.0.0", Register)
