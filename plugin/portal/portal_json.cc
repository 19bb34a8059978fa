// plugin/portal/portal_json.cc — the portal's JSON (portal_json.h).
#include "plugin/portal/portal_json.h"

#include <string>

#include "plugin/api_json.h"
#include "text/money.h"

namespace cd {
namespace json = boost::json;

namespace {

json::value Cents(const std::optional<int64_t>& cents) {
  if (!cents) return nullptr;
  return json::value(crm::text::CentsToDecimal(*cents));
}

json::array FilesJson(const SharedDocument& doc, std::string_view files_base) {
  json::array files;
  for (const SharedFile& f : doc.files) {
    files.push_back(json::object{
        {"id", f.id},
        {"name", f.name},
        {"size", f.size},
        {"mime", f.mime},
        {"sha256", f.sha256},
        {"url",
         std::string(files_base) + "/" + std::to_string(doc.id) + "/files/" + std::to_string(f.id)},
        {"added_by", json::object{{"kind", f.added_by_kind}, {"name", f.added_by}}},
        {"created_at", IsoTimeUtc(f.created_at)}});
  }
  return files;
}

}  // namespace

json::object ProjectToJson(const Project& p) {
  return json::object{{"id", p.id},
                      {"name", p.name},
                      {"reference", p.reference},
                      {"status", p.status},
                      {"created_at", IsoTimeUtc(p.created_at)}};
}

json::object SharedToJson(const SharedDocument& doc, std::string_view files_base) {
  json::value decision = nullptr;
  if (!doc.decision_value.empty()) {
    decision = json::object{{"value", doc.decision_value},
                            {"reason", doc.decision_reason},
                            {"by", doc.decision_by},
                            {"at", IsoTimeUtc(doc.decision_at)}};
  }
  json::array payments;
  for (const Payment& p : doc.payments) {
    payments.push_back(json::object{{"id", p.id},
                                    {"amount", crm::text::CentsToDecimal(p.amount_cents)},
                                    {"paid_on", p.paid_on},
                                    {"recorded_by", p.recorded_by},
                                    {"created_at", IsoTimeUtc(p.created_at)}});
  }
  return json::object{
      {"id", doc.id},
      {"title", doc.title},
      {"category", doc.category},
      {"project_id", doc.project_id != 0 ? json::value(doc.project_id) : json::value(nullptr)},
      {"status", doc.status},
      {"due_on", doc.due_on.empty() ? json::value(nullptr) : json::value(doc.due_on)},
      {"amount_due", Cents(doc.amount_due_cents)},
      {"amount_paid", crm::text::CentsToDecimal(doc.paid_cents)},
      {"amount_still_due", Cents(doc.still_due_cents)},
      {"decision_required", doc.decision_required},
      {"decision", decision},
      {"files", FilesJson(doc, files_base)},
      {"payments", std::move(payments)},
      {"created_at", IsoTimeUtc(doc.created_at)}};
}

}  // namespace cd
