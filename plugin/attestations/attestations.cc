// plugin/attestations/attestations.cc — the use cases of attestations. SQL is portable (bound
// parameters, INSERT ... RETURNING id); the PDF goes through the module's FileStore (temp file,
// fsync, rename, then the row); the converter runs in its worker process.
#include "plugin/attestations/attestations.h"

#include <openssl/evp.h>

#include <boost/json.hpp>

#include "plugin/access.h"
#include "plugin/attestations/template_doc.h"
#include "text/text.h"

namespace cd::attestations {
namespace json = boost::json;
namespace {

constexpr const char* kKnown[] = {"client.first_name", "client.last_name",  "client.company",
                                  "client.email",      "client.address",    "contract.number",
                                  "contract.product",  "contract.start_on", "contract.end_on",
                                  "beneficiary.label", "beneficiary.kind",  "today"};
constexpr char kTemplateColumns[] =
    "SELECT id, name, entity, title, validation, format, placeholders_json FROM "
    "cd_att_templates ";

std::string Base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::string Unbase64(std::string_view in) {
  std::string out(3 * (in.size() / 4), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()),
                          static_cast<int>(in.size()));
  if (n < 0) return "";
  size_t pad = 0;
  for (size_t i = in.size(); i > 0 && in[i - 1] == '=' && pad < 2; --i) ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string PlaceholdersJson(const std::vector<Placeholder>& list) {
  json::array a;
  for (const auto& p : list) {
    a.push_back(json::object{{"key", p.key},
                             {"known", p.known},
                             {"label", p.label},
                             {"default", p.default_value},
                             {"required", p.required}});
  }
  return json::serialize(a);
}

std::vector<Placeholder> PlaceholdersFromJson(const std::string& text) {
  std::vector<Placeholder> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    const json::object& o = e.as_object();
    out.push_back({std::string(o.at("key").as_string()), o.at("known").as_bool(),
                   std::string(o.at("label").as_string()), std::string(o.at("default").as_string()),
                   o.at("required").as_bool()});
  }
  return out;
}

Template TemplateFromRow(const crm::SqlRow& r) {
  return {r.Int(0),
          r.Text(1),
          r.Text(2),
          r.Text(3),
          r.Text(4),
          r.Text(5),
          PlaceholdersFromJson(r.Text(6))};
}

}  // namespace

bool IsKnownPlaceholder(std::string_view key) {
  for (const char* k : kKnown) {
    if (key == k) return true;
  }
  return false;
}

std::optional<std::string> IneligibleReason(const crm::ContractDetail& contract,
                                            std::string_view today) {
  const crm::ContractInfo& c = contract.contract;
  if (c.status != "active" || today < c.start_on || (!c.end_on.empty() && today > c.end_on))
    return std::string("client-documents.attestations.not_active");
  for (const auto& r : contract.receipts) {
    if (r.paid && r.period_start <= today && today <= r.period_end) return std::nullopt;
  }
  return std::string("client-documents.attestations.not_paid");
}

TemplateRefusal ClassifyTemplateRefusal(const crm::Status& error) {
  // Message starts (template_doc.cc's Refuse, this file's checks) -> key; first match wins.
  static constexpr std::pair<std::string_view, std::string_view> kStarts[] = {
      {"name:", "error_name"},
      {"entity:", "error_entity"},
      {"validation:", "error_validation"},
      {"file: required", "error_file_required"},
      {"template_ids:", "error_product_entity"},
      {"placeholders:", "error_unknown_placeholder"},
      {"unbalanced braces", "error_braces"},
      {"invalid placeholder", "error_invalid_placeholder"},
      {"a placeholder runs across paragraphs", "error_across"},
      {"the file is", "error_not_document"},
      {"the archive has too many", "error_too_big_inside"},
      {"the archive expands", "error_too_big_inside"},
      {"the archive is compressed", "error_too_big_inside"},
      {"the document is too large", "error_too_big_inside"},
      {"the part ", "error_damaged"},
      {"the archive", "error_damaged"},
  };
  const std::string& m = error.message();
  TemplateRefusal r{"error_other", ""};
  if (error.code() == crm::StatusCode::kTooLarge) r.key = "error_too_large";
  for (const auto& [start, key] : kStarts) {
    if (r.key != "error_other") break;
    if (m.rfind(start, 0) == 0) r.key = key;
  }
  if (r.key == "error_damaged" && m.find("larger than allowed") != std::string::npos)
    r.key = "error_too_big_inside";
  size_t open = m.find('"'), close = m.rfind('"');
  if (open != std::string::npos && close > open) r.excerpt = m.substr(open, close - open + 1);
  return r;
}

AttestationService::AttestationService(crm::HostServices& host, FileStore& files,
                                       PdfConverter& converter)
    : host_(host), files_(files), converter_(converter) {}

crm::Result<Template> AttestationService::CreateTemplate(const crm::Principal& actor,
                                                         const TemplateUpload& u) {
  CRM_RETURN_IF_ERROR(CheckSettings(actor));
  std::string name(crm::text::Trim(u.name));
  if (name.empty() || name.size() > 200) return crm::Unprocessable("name: required");
  if (u.entity != "client" && u.entity != "contract" && u.entity != "beneficiary")
    return crm::Unprocessable("entity: one of client, contract, beneficiary");
  if (u.validation != "none" && u.validation != "prior")
    return crm::Unprocessable("validation: none or prior");
  if (static_cast<int64_t>(u.bytes.size()) > kMaxTemplateBytes)
    return crm::TooLarge("file: a template is at most 10 MB");
  CRM_ASSIGN_OR_RETURN(TemplateScan scan, ScanTemplate(u.bytes));
  Template t{0,
             name,
             u.entity,
             std::string(crm::text::Trim(u.title)),
             u.validation,
             scan.format == TemplateFormat::kDocx ? "docx" : "odt",
             {}};
  for (const auto& key : scan.keys) {
    bool known = IsKnownPlaceholder(key);
    t.placeholders.push_back({key, known, known ? "" : key, "", !known});
  }
  CRM_ASSIGN_OR_RETURN(
      auto row,
      host_.Db().QueryOne("INSERT INTO cd_att_templates (name, entity, title, "
                          "validation, format, content_b64, placeholders_json, "
                          "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                          {t.name, t.entity, t.title, t.validation, t.format, Base64(u.bytes),
                           PlaceholdersJson(t.placeholders), host_.NowUnix()}));
  if (!row) return crm::Internal("INSERT returned no id");
  t.id = row->Int(0);
  return t;
}

crm::Result<std::vector<Template>> AttestationService::QueryTemplates(
    const std::string& where, std::vector<crm::SqlValue> params) {
  CRM_ASSIGN_OR_RETURN(
      auto rows, host_.Db().QueryAll(std::string(kTemplateColumns) + where + " ORDER BY name, id",
                                     std::move(params)));
  std::vector<Template> out;
  for (const auto& r : rows) out.push_back(TemplateFromRow(r));
  return out;
}

crm::Result<std::vector<Template>> AttestationService::ListTemplates(const crm::Principal& actor) {
  CRM_RETURN_IF_ERROR(CheckReadTypes(actor));
  return QueryTemplates("", {});
}

crm::Result<Template> AttestationService::FindTemplate(const crm::Principal& actor, int64_t id) {
  CRM_RETURN_IF_ERROR(CheckSettings(actor));
  return GetTemplate(id, nullptr);
}

crm::Result<std::vector<ProductTemplates>> AttestationService::ListProductTemplates(
    const crm::Principal& actor) {
  CRM_RETURN_IF_ERROR(CheckSettings(actor));
  std::map<std::string, ProductTemplates> by_code;
  if (crm::ContractView* contracts = host_.Contracts(); contracts != nullptr) {
    CRM_ASSIGN_OR_RETURN(auto products, contracts->Products());
    for (const auto& p : products) by_code[p.code] = {p.code, p.name, {}};
  }
  CRM_ASSIGN_OR_RETURN(auto rows, host_.Db().QueryAll("SELECT product_code, template_id FROM "
                                                      "cd_att_product_templates ORDER BY "
                                                      "product_code, template_id"));
  for (const auto& r : rows) {
    ProductTemplates& p = by_code[r.Text(0)];
    p.code = r.Text(0);
    p.template_ids.push_back(r.Int(1));
  }
  std::vector<ProductTemplates> out;
  for (auto& [code, p] : by_code) out.push_back(std::move(p));
  return out;
}

crm::Result<std::vector<Template>> AttestationService::ClientTemplates(const crm::Principal& actor,
                                                                       int64_t client_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  return QueryTemplates("WHERE entity = 'client'", {});
}

crm::Result<Template> AttestationService::GetTemplate(int64_t id, std::string* bytes) {
  CRM_ASSIGN_OR_RETURN(auto row,
                       host_.Db().QueryOne(std::string(kTemplateColumns) + "WHERE id = ?", {id}));
  if (!row) return crm::NotFound("no such template");
  if (bytes != nullptr) {
    CRM_ASSIGN_OR_RETURN(
        auto content,
        host_.Db().QueryOne("SELECT content_b64 FROM cd_att_templates WHERE id = ?", {id}));
    *bytes = content ? Unbase64(content->Text(0)) : "";
  }
  return TemplateFromRow(*row);
}

crm::Result<Template> AttestationService::UpdateTemplate(const crm::Principal& actor, int64_t id,
                                                         const TemplatePatch& patch) {
  CRM_RETURN_IF_ERROR(CheckSettings(actor));
  CRM_ASSIGN_OR_RETURN(Template t, GetTemplate(id, nullptr));
  if (patch.title) t.title = std::string(crm::text::Trim(*patch.title));
  if (patch.validation) {
    if (*patch.validation != "none" && *patch.validation != "prior")
      return crm::Unprocessable("validation: none or prior");
    t.validation = *patch.validation;
  }
  for (const auto& p : patch.placeholders) {
    auto it = std::find_if(t.placeholders.begin(), t.placeholders.end(),
                           [&](const Placeholder& x) { return x.key == p.key; });
    if (it == t.placeholders.end())
      return crm::Unprocessable("placeholders: the template has no {{" + p.key + "}}");
    if (it->known) continue;  // filled from host data: nothing to edit
    it->label = p.label.empty() ? p.key : p.label;
    it->default_value = p.default_value;
    it->required = p.required;
  }
  CRM_RETURN_IF_ERROR(host_.Db()
                          .Exec("UPDATE cd_att_templates SET title = ?, validation = ?, "
                                "placeholders_json = ? WHERE id = ?",
                                {t.title, t.validation, PlaceholdersJson(t.placeholders), id})
                          .status());
  return t;
}

crm::Status AttestationService::DeleteTemplate(const crm::Principal& actor, int64_t id) {
  CRM_RETURN_IF_ERROR(CheckSettings(actor));
  CRM_RETURN_IF_ERROR(GetTemplate(id, nullptr).status());
  return host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM cd_att_product_templates WHERE template_id = ?", {id}).status());
    return tx.Exec("DELETE FROM cd_att_templates WHERE id = ?", {id}).status();
  });
}

crm::Status AttestationService::SetProductTemplates(const crm::Principal& actor,
                                                    const std::string& code,
                                                    const std::vector<int64_t>& ids) {
  CRM_RETURN_IF_ERROR(CheckSettings(actor));
  if (code.empty() || code.size() > 64) return crm::NotFound("no such product");
  for (int64_t id : ids) {
    CRM_ASSIGN_OR_RETURN(Template t, GetTemplate(id, nullptr));
    if (t.entity == "client")
      return crm::Unprocessable("template_ids: a product takes contract or beneficiary templates");
  }
  return host_.Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM cd_att_product_templates WHERE product_code = ?", {code}).status());
    for (int64_t id : ids) {
      CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO cd_att_product_templates (product_code, "
                                  "template_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                  {code, id})
                              .status());
    }
    return crm::Status::Ok();
  });
}

crm::Result<bool> AttestationService::ShowsClientArea(int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(
      auto row, host_.Db().QueryOne("SELECT 1 FROM cd_att_templates WHERE entity = 'client' "
                                    "UNION ALL SELECT 1 FROM cd_attestations WHERE client_id = ? "
                                    "LIMIT 1",
                                    {client_id}));
  return row.has_value();
}

crm::Result<std::vector<Template>> AttestationService::TemplatesForContract(
    const crm::Principal& actor, int64_t client_id, int64_t contract_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  crm::ContractView* contracts = host_.Contracts();
  if (contracts == nullptr) return crm::NotFound("this host has no contracts");
  CRM_ASSIGN_OR_RETURN(crm::ContractDetail d, contracts->FindContract(contract_id));
  if (d.contract.client_id != client_id) return crm::NotFound("no such contract");
  return QueryTemplates(
      "WHERE id IN (SELECT template_id FROM cd_att_product_templates WHERE product_code = ?)",
      {d.contract.product_code});
}

}  // namespace cd::attestations
