// hooks/attestation_pages.cc — AT1's admin pages: the templates (list, upload, placeholders,
// title, validation, products, specimen, delete) as short adapters over the same use cases as
// the API (plugin/attestations/attestations.h), and the two menu entries of attestations.
// Refusals are shown on the page in the reader's language, nothing stored.
#include "hooks/attestation_pages.h"

#include <algorithm>
#include <string>
#include <vector>

#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/attestations/api_routes.h"

namespace cd::hooks {
namespace {

using attestations::AttestationService;
using attestations::Template;
using Service = std::shared_ptr<AttestationService>;
using Handler = crm::Status (*)(Context&, AttestationService&, crm::Request&, crm::Response&);

// A template upload: the file and its fields (10 MB) plus the multipart framing.
constexpr uint64_t kUploadBody = attestations::kMaxTemplateBytes + (64 << 10);
constexpr uint64_t kFormBody = 1 << 20;

// One product's templates (a form post; not under kTemplatesPath, whose "{id}" it would meet).
const std::string kProductsPath = std::string(kAdminPrefix) + "/attestation-products";

std::string TemplatePath(int64_t id) { return kTemplatesPath + "/" + std::to_string(id); }

// The refusal as a sentence in the reader's language (plugin: ClassifyTemplateRefusal).
std::string RefusalText(const Context& ctx, std::string_view lang, const crm::Status& error) {
  attestations::TemplateRefusal r = attestations::ClassifyTemplateRefusal(error);
  return ctx.texts.Format(lang, "attestations." + r.key,
                          {{"excerpt", r.excerpt}, {"message", error.message()}});
}

bool ShownOnPage(const crm::Status& s) {
  return s.code() == crm::StatusCode::kUnprocessable ||
         s.code() == crm::StatusCode::kInvalidArgument || s.code() == crm::StatusCode::kTooLarge;
}

std::string EntityText(const Context& ctx, std::string_view lang, const std::string& entity) {
  return ctx.texts.Get(lang, "attestations.entity_" + entity);
}

// The entity and validation choices of the upload form.
void SetChoices(const Context& ctx, std::string_view lang, Data& data) {
  DataList entities;
  for (const char* e : {"client", "contract", "beneficiary"}) {
    Data d;
    d.set("value", std::string(e));
    d.set("label", EntityText(ctx, lang, e));
    entities.push_back(std::move(d));
  }
  data.set("entities", entities);
}

DataList ValidationOptions(const Context& ctx, std::string_view lang, const std::string& chosen) {
  DataList list;
  for (const char* v : {"none", "prior"}) {
    Data d;
    d.set("value", std::string(v));
    d.set("label", ctx.texts.Get(lang, "attestations.validation_" + std::string(v)));
    d.set("selected", chosen == v);
    list.push_back(std::move(d));
  }
  return list;
}

// Each product with a checkbox per contract or beneficiary template (the PUT
// products/{code}/templates of the API, as a form).
DataList ProductRows(const std::vector<Template>& templates,
                     const std::vector<attestations::ProductTemplates>& products) {
  DataList rows;
  for (const auto& p : products) {
    Data row;
    row.set("code", p.code);
    row.set("name", p.name.empty() ? p.code : p.name + " (" + p.code + ")");
    DataList boxes;
    for (const Template& t : templates) {
      if (t.entity == "client") continue;
      Data b;
      b.set("id", std::to_string(t.id));
      b.set("name", t.name);
      b.set("checked", std::count(p.template_ids.begin(), p.template_ids.end(), t.id) > 0);
      boxes.push_back(std::move(b));
    }
    row.set("templates", boxes);
    rows.push_back(std::move(row));
  }
  return rows;
}

// The codes of the products a template is attached to, ", "-joined.
std::string ProductsOf(int64_t id, const std::vector<attestations::ProductTemplates>& products) {
  std::string codes;
  for (const auto& p : products) {
    if (std::count(p.template_ids.begin(), p.template_ids.end(), id) == 0) continue;
    codes += (codes.empty() ? "" : ", ") + p.code;
  }
  return codes;
}

// The page's notices: the flash of a redirect (?flash=saved...) and the refusal, if any.
void SetNotices(const Context& ctx, std::string_view lang, const crm::Request& request,
                const std::string& error, Data& data) {
  std::string flash = request.Query("flash").value_or("");
  std::string text;
  for (const char* known : {"saved", "created", "deleted", "product_saved"}) {
    if (flash == known) text = ctx.texts.Get(lang, "attestations.flash_" + flash);
  }
  data.set("has_flash", !text.empty());
  data.set("flash", text);
  data.set("has_error", !error.empty());
  data.set("error", error);
}

crm::Status SendList(Context& ctx, AttestationService& s, crm::Request& request,
                     crm::Response& response, const std::string& error, int status) {
  const std::string& lang = request.Caller().language;
  CRM_ASSIGN_OR_RETURN(auto templates, s.ListTemplates(request.Caller()));
  CRM_ASSIGN_OR_RETURN(auto products, s.ListProductTemplates(request.Caller()));
  Data data;
  DataList rows;
  for (const Template& t : templates) {
    Data row;
    row.set("url", TemplatePath(t.id));
    row.set("name", t.name);
    row.set("title", t.title);
    row.set("entity", EntityText(ctx, lang, t.entity));
    row.set("validation", ctx.texts.Get(lang, "attestations.validation_" + t.validation));
    row.set("products", t.entity == "client" ? ctx.texts.Get(lang, "attestations.all_clients")
                                             : ProductsOf(t.id, products));
    rows.push_back(std::move(row));
  }
  data.set("templates", rows);
  data.set("has_templates", !rows.empty());
  data.set("products", ProductRows(templates, products));
  data.set("has_products", !products.empty());
  data.set("no_contracts", s.host().Contracts() == nullptr);
  data.set("upload_action", kTemplatesPath);
  data.set("products_action", kProductsPath);
  data.set("csrf", request.Caller().csrf_token);
  data.set("validations", ValidationOptions(ctx, lang, "none"));
  SetChoices(ctx, lang, data);
  SetNotices(ctx, lang, request, error, data);
  CRM_ASSIGN_OR_RETURN(std::string body, Render(ctx, "attestation_templates", lang, data));
  return response.SendPage({crm::PageReply::Layout::kAdmin,
                            ctx.texts.Get(lang, "attestations.templates_title"), body, status});
}

crm::Status ShowList(Context& ctx, AttestationService& s, crm::Request& request,
                     crm::Response& response) {
  return SendList(ctx, s, request, response, "", 200);
}

crm::Status Upload(Context& ctx, AttestationService& s, crm::Request& request,
                   crm::Response& response) {
  crm::Result<Template> created = [&]() -> crm::Result<Template> {
    CRM_ASSIGN_OR_RETURN(attestations::TemplateUpload up,
                         attestations::ParseTemplateUpload(request));
    return s.CreateTemplate(request.Caller(), up);
  }();
  if (created.ok()) return response.Redirect(TemplatePath(created->id) + "?flash=created");
  if (!ShownOnPage(created.status())) return created.status();
  const crm::Status& e = created.status();
  return SendList(ctx, s, request, response, RefusalText(ctx, request.Caller().language, e),
                  e.http_status());
}

DataList PlaceholderRows(const Context& ctx, std::string_view lang, const Template& t) {
  DataList rows;
  for (const auto& p : t.placeholders) {
    Data row;
    row.set("key", p.key);
    row.set("shown", "{{" + p.key + "}}");
    row.set("known", p.known);
    row.set("label", p.label);
    row.set("default", p.default_value);
    row.set("required", p.required);
    row.set("known_text", ctx.texts.Get(lang, "attestations.known"));
    rows.push_back(std::move(row));
  }
  return rows;
}

crm::Status SendTemplate(Context& ctx, AttestationService& s, crm::Request& request,
                         crm::Response& response, const Template& t, const std::string& error,
                         int status) {
  const std::string& lang = request.Caller().language;
  CRM_ASSIGN_OR_RETURN(auto products, s.ListProductTemplates(request.Caller()));
  Data data;
  data.set("name", t.name);
  data.set("entity", EntityText(ctx, lang, t.entity));
  data.set("format", t.format == "odt" ? std::string(".odt") : std::string(".docx"));
  data.set("title", t.title);
  data.set("validations", ValidationOptions(ctx, lang, t.validation));
  data.set("placeholders", PlaceholderRows(ctx, lang, t));
  data.set("has_placeholders", !t.placeholders.empty());
  data.set("client_level", t.entity == "client");
  std::string codes = ProductsOf(t.id, products);
  data.set("products", codes);
  data.set("has_products", !codes.empty());
  data.set("action", TemplatePath(t.id));
  data.set("delete_action", TemplatePath(t.id) + "/delete");
  data.set("specimen_url", TemplatePath(t.id) + "/specimen");
  data.set("list_url", kTemplatesPath);
  data.set("csrf", request.Caller().csrf_token);
  SetNotices(ctx, lang, request, error, data);
  CRM_ASSIGN_OR_RETURN(std::string body, Render(ctx, "attestation_template", lang, data));
  return response.SendPage({crm::PageReply::Layout::kAdmin, t.name, body, status});
}

crm::Result<int64_t> TemplateId(const crm::Request& request) {
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("id"));
  if (!id) return crm::NotFound("no such template");
  return *id;
}

crm::Status ShowTemplate(Context& ctx, AttestationService& s, crm::Request& request,
                         crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(int64_t id, TemplateId(request));
  CRM_ASSIGN_OR_RETURN(Template t, s.FindTemplate(request.Caller(), id));
  return SendTemplate(ctx, s, request, response, t, "", 200);
}

// The form's title, validation and each unknown placeholder's label.<key>, default.<key>,
// required.<key> (a checkbox).
attestations::TemplatePatch PatchFromForm(const crm::Request& request, const Template& t) {
  attestations::TemplatePatch patch;
  patch.title = request.FormValue("title").value_or("");
  patch.validation = request.FormValue("validation").value_or("");
  for (const auto& p : t.placeholders) {
    if (p.known) continue;
    patch.placeholders.push_back({p.key, false, request.FormValue("label." + p.key).value_or(""),
                                  request.FormValue("default." + p.key).value_or(""),
                                  FormChecked(request, "required." + p.key)});
  }
  return patch;
}

crm::Status SaveTemplate(Context& ctx, AttestationService& s, crm::Request& request,
                         crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(int64_t id, TemplateId(request));
  CRM_ASSIGN_OR_RETURN(Template t, s.FindTemplate(request.Caller(), id));
  auto saved = s.UpdateTemplate(request.Caller(), id, PatchFromForm(request, t));
  if (saved.ok()) return response.Redirect(TemplatePath(id) + "?flash=saved");
  if (!ShownOnPage(saved.status())) return saved.status();
  const crm::Status& e = saved.status();
  return SendTemplate(ctx, s, request, response, t, RefusalText(ctx, request.Caller().language, e),
                      e.http_status());
}

crm::Status DeleteTemplate(Context&, AttestationService& s, crm::Request& request,
                           crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(int64_t id, TemplateId(request));
  CRM_RETURN_IF_ERROR(s.DeleteTemplate(request.Caller(), id));
  return response.Redirect(kTemplatesPath + "?flash=deleted");
}

crm::Status Specimen(Context&, AttestationService& s, crm::Request& request,
                     crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(int64_t id, TemplateId(request));
  CRM_ASSIGN_OR_RETURN(std::string pdf, s.Specimen(request.Caller(), id));
  return attestations::SendSpecimen(pdf, response);
}

// One product's templates: the form's `code` and every ticked `template_id`.
crm::Status SaveProduct(Context& ctx, AttestationService& s, crm::Request& request,
                        crm::Response& response) {
  std::vector<int64_t> ids;
  for (const auto& [name, value] : request.Form()) {
    if (name != "template_id") continue;
    std::optional<int64_t> id = crm::text::ParseId(std::string_view(value));
    if (!id) return crm::NotFound("no such template");
    ids.push_back(*id);
  }
  crm::Status saved =
      s.SetProductTemplates(request.Caller(), request.FormValue("code").value_or(""), ids);
  if (saved.ok()) return response.Redirect(kTemplatesPath + "?flash=product_saved");
  if (!ShownOnPage(saved)) return saved;
  return SendList(ctx, s, request, response, RefusalText(ctx, request.Caller().language, saved),
                  saved.http_status());
}

struct TemplateRoute {
  const char* method;
  const char* suffix;  // after kTemplatesPath ("@products": kProductsPath)
  uint64_t max_body;
  Handler handler;
};

constexpr TemplateRoute kRoutes[] = {
    {"GET", "", 0, ShowList},
    {"POST", "", kUploadBody, Upload},
    {"POST", "@products", kFormBody, SaveProduct},
    {"GET", "/{id}", 0, ShowTemplate},
    {"POST", "/{id}", kFormBody, SaveTemplate},
    {"POST", "/{id}/delete", kFormBody, DeleteTemplate},
    {"GET", "/{id}/specimen", 0, Specimen},
};

crm::Status AddMenus(crm::Registrar& registrar, const ContextPtr& ctx, const Service& service) {
  crm::MenuFilter admin;
  admin.id = "attestation-templates";
  admin.area = crm::MenuArea::kAdmin;
  admin.filter = [ctx](std::vector<crm::MenuItem> items, const crm::Principal& viewer) {
    if (viewer.HasPermission(kPermSettings)) {
      items.push_back({"client-documents.attestation-templates",
                       ctx->texts.Get(viewer.language, "attestations.templates_title"),
                       kTemplatesPath, 85});
    }
    return items;
  };
  CRM_RETURN_IF_ERROR(registrar.AddMenuFilter(std::move(admin)));
  crm::MenuFilter account;
  account.id = "attestations";
  account.area = crm::MenuArea::kAccount;
  account.filter = [ctx, service](std::vector<crm::MenuItem> items, const crm::Principal& viewer) {
    if (!viewer.IsClient()) return items;
    crm::Result<bool> shown = service->ShowsClientArea(viewer.client_id);
    if (!shown.ok()) {
      ctx->host.Log(crm::LogLevel::kError, "attestations menu: " + shown.status().ToString());
    } else if (*shown) {
      items.push_back({"client-documents.attestations",
                       ctx->texts.Get(viewer.language, "attestations.menu"), kAccountAttestations,
                       55});
    }
    return items;
  };
  return registrar.AddMenuFilter(std::move(account));
}

}  // namespace

crm::Status RegisterAttestationPages(crm::Registrar& registrar, const ContextPtr& ctx,
                                     Service service) {
  for (const TemplateRoute& r : kRoutes) {
    crm::Route route;
    route.method = r.method;
    route.pattern =
        r.suffix == std::string_view("@products") ? kProductsPath : kTemplatesPath + r.suffix;
    route.audience = {crm::Audience::Kind::kAdmin, kPermSettings, ""};
    route.max_body = r.max_body;
    Handler handler = r.handler;
    route.handler = [ctx, service, handler](crm::Request& req, crm::Response& res) {
      return handler(*ctx, *service, req, res);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return AddMenus(registrar, ctx, service);
}

}  // namespace cd::hooks
