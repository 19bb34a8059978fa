// tests/hooks/attestation_pages_test.cc — AT1's admin pages (hooks/attestation_pages.cc): a
// template uploaded through the form, its placeholders edited and stored, a product's templates
// saved from the form, deletion, refusals shown on the page in the reader's language with nothing
// stored; and the client's /account/attestations page and menu entry on a host without
// contracts (the test host has none).
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/attestations/template_fixtures.h"
#include "tests/hooks/test_host.h"
#include "tests/support/status_matchers.h"

namespace cd_test {
namespace {

namespace json = boost::json;

const std::string kPages = "/admin/plugins/client-documents/attestation-templates";

std::string Multipart(const std::vector<std::pair<std::string, std::string>>& fields,
                      const std::string& file) {
  std::string body;
  for (const auto& [name, value] : fields) {
    body +=
        "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }
  body +=
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.docx\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n" +
      file + "\r\n--XyZ--\r\n";
  return body;
}

class AttestationPagesTest : public ModuleTest {
 protected:
  crm::Principal Manager(const std::string& language = "en") {
    crm::Principal p = AdminPrincipal({"documents.read", "documents.write", "documents.settings"});
    p.language = language;
    return p;
  }

  // POSTs the upload form; the response.
  FakeResponse Upload(const std::string& name, const std::string& entity, const std::string& file,
                      const std::string& language = "en") {
    FakeRequest request;
    request.caller = Manager(language);
    request.headers["content-type"] = "multipart/form-data; boundary=XyZ";
    request.body = Multipart({{"name", name}, {"entity", entity}, {"validation", "none"}}, file);
    FakeResponse response;
    crm::Status s = Call("POST", kPages, request, response);
    EXPECT_OK(s);
    return response;
  }

  int64_t Count(const std::string& table) {
    auto row = host_.Db().QueryOne("SELECT count(*) FROM " + table);
    return row.ok() && *row ? (*row)->Int(0) : -1;
  }

  // The stored placeholders of template `id`, by key.
  std::map<std::string, json::object> Placeholders(int64_t id) {
    std::map<std::string, json::object> out;
    auto row =
        host_.Db().QueryOne("SELECT placeholders_json FROM cd_att_templates WHERE id = ?", {id});
    if (!row.ok() || !*row) return out;
    json::value list = json::parse((*row)->Text(0));
    for (const auto& p : list.as_array()) out[std::string(p.at("key").as_string())] = p.as_object();
    return out;
  }

  int64_t UploadedId(const FakeResponse& response) {
    std::string prefix = kPages + "/";
    EXPECT_EQ(response.redirect.rfind(prefix, 0), 0u) << response.redirect;
    return std::stoll(response.redirect.substr(prefix.size()));
  }

  const std::string docx_ =
      MakeDocx(DocxParagraph({"Attestation for {{client.last_name}}, reason {{mo", "tif}}"}));
};

TEST_F(AttestationPagesTest, UploadThroughTheFormStoresTheTemplate) {
  FakeResponse response = Upload("Travel", "contract", docx_);
  int64_t id = UploadedId(response);
  EXPECT_NE(response.redirect.find("?flash=created"), std::string::npos);
  auto row = host_.Db().QueryOne(
      "SELECT name, entity, validation, format FROM cd_att_templates WHERE id = ?", {id});
  ASSERT_OK(row.status());
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->Text(0), "Travel");
  EXPECT_EQ((*row)->Text(1), "contract");
  EXPECT_EQ((*row)->Text(3), "docx");
  auto placeholders = Placeholders(id);
  ASSERT_EQ(placeholders.size(), 2u);
  EXPECT_TRUE(placeholders["client.last_name"].at("known").as_bool());
  EXPECT_FALSE(placeholders["motif"].at("known").as_bool());

  // Its page lists both placeholders: the known one read-only, the other with its inputs.
  FakeRequest get;
  get.caller = Manager("fr");
  FakeResponse page;
  ASSERT_OK(Call("GET", kPages + "/" + std::to_string(id), get, page));
  ASSERT_TRUE(page.page.has_value());
  const std::string& html = page.page->body_html;
  EXPECT_NE(html.find("{{client.last_name}}"), std::string::npos);
  EXPECT_NE(html.find("Rempli avec les données du CRM"), std::string::npos) << html;
  EXPECT_NE(html.find("name=\"label.motif\""), std::string::npos);
  EXPECT_EQ(html.find("name=\"label.client.last_name\""), std::string::npos);
  EXPECT_NE(html.find(kPages + "/" + std::to_string(id) + "/specimen"), std::string::npos);
  for (const std::string& form : crm_test::PostForms(html))
    EXPECT_NE(form.find("name=\"_csrf\""), std::string::npos) << form;
}

TEST_F(AttestationPagesTest, PlaceholderEditsAreStored) {
  int64_t id = UploadedId(Upload("Travel", "contract", docx_));
  FakeRequest request;
  request.caller = Manager();
  request.form = {{"title", "Travel certificate"},    {"validation", "prior"},
                  {"label.motif", "Reason"},          {"default.motif", "Holiday"},
                  {"label.client.last_name", "Name"}, {"required.client.last_name", "1"}};
  FakeResponse response;
  ASSERT_OK(Call("POST", kPages + "/" + std::to_string(id), request, response));
  EXPECT_EQ(response.redirect, kPages + "/" + std::to_string(id) + "?flash=saved");
  auto row =
      host_.Db().QueryOne("SELECT title, validation FROM cd_att_templates WHERE id = ?", {id});
  ASSERT_OK(row.status());
  EXPECT_EQ((*row)->Text(0), "Travel certificate");
  EXPECT_EQ((*row)->Text(1), "prior");
  auto placeholders = Placeholders(id);
  EXPECT_EQ(placeholders["motif"].at("label").as_string(), "Reason");
  EXPECT_EQ(placeholders["motif"].at("default").as_string(), "Holiday");
  EXPECT_FALSE(placeholders["motif"].at("required").as_bool()) << "the box was not ticked";
  EXPECT_EQ(placeholders["client.last_name"].at("label").as_string(), "")
      << "known placeholders are filled from the host, not edited";
  EXPECT_FALSE(placeholders["client.last_name"].at("required").as_bool());

  // A bad validation value: the page again, in Dutch, nothing changed.
  FakeRequest bad;
  bad.caller = Manager("nl");
  bad.form = {{"title", "Other"}, {"validation", "later"}, {"label.motif", "X"}};
  FakeResponse refused;
  ASSERT_OK(Call("POST", kPages + "/" + std::to_string(id), bad, refused));
  EXPECT_EQ(refused.status, 422);
  ASSERT_TRUE(refused.page.has_value());
  EXPECT_NE(refused.page->body_html.find("Kies de goedkeuring"), std::string::npos);
  EXPECT_EQ(Placeholders(id)["motif"].at("label").as_string(), "Reason");
}

TEST_F(AttestationPagesTest, RefusalsAreShownInTheReadersLanguageAndNothingIsStored) {
  struct Case {
    std::string name, file, language, expected;
  };
  const std::vector<Case> cases = {
      {"Broken", "not a zip at all", "fr", "n’est pas un document Word (.docx)"},
      {"Braces", MakeDocx(DocxParagraph({"Hello {{motif"})), "fr", "Accolades déséquilibrées"},
      {"Braces", MakeDocx(DocxParagraph({"Hello {{motif"})), "nl", "Onevenwichtige accolades"},
      {"Key", MakeDocx(DocxParagraph({"Hello {{1motif}}"})), "en", "Invalid placeholder"},
      {"", docx_, "fr", "Donnez un nom au modèle."},
  };
  for (const Case& c : cases) {
    FakeResponse response = Upload(c.name, "contract", c.file, c.language);
    EXPECT_EQ(response.status, 422) << c.expected;
    ASSERT_TRUE(response.page.has_value()) << c.expected;
    EXPECT_NE(response.page->body_html.find(c.expected), std::string::npos)
        << c.expected << "\n"
        << response.page->body_html.substr(0, 800);
  }
  EXPECT_EQ(Count("cd_att_templates"), 0);
}

TEST_F(AttestationPagesTest, StaffWithoutTheSettingsPermissionChangeNothing) {
  FakeRequest request;
  request.caller = AdminPrincipal({"documents.read", "documents.write"});
  request.headers["content-type"] = "multipart/form-data; boundary=XyZ";
  request.body = Multipart({{"name", "X"}, {"entity", "client"}}, docx_);
  FakeResponse response;
  crm::Status s = Call("POST", kPages, request, response);
  EXPECT_EQ(s.code(), crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("cd_att_templates"), 0);
}

TEST_F(AttestationPagesTest, ProductFormAttachesTemplatesAndDeleteRemovesThem) {
  int64_t contract_tpl = UploadedId(Upload("Travel", "contract", docx_));
  int64_t client_tpl = UploadedId(Upload("Residence", "client", docx_));
  FakeRequest save;
  save.caller = Manager();
  save.form = {{"code", "AUTO"}, {"template_id", std::to_string(contract_tpl)}};
  FakeResponse saved;
  ASSERT_OK(Call("POST", "/admin/plugins/client-documents/attestation-products", save, saved));
  EXPECT_EQ(saved.redirect, kPages + "?flash=product_saved");
  auto link = host_.Db().QueryOne(
      "SELECT template_id FROM cd_att_product_templates WHERE product_code = 'AUTO'");
  ASSERT_OK(link.status());
  ASSERT_TRUE(link->has_value());
  EXPECT_EQ((*link)->Int(0), contract_tpl);

  // The list: the product with its box ticked; the host has no contracts, and says so.
  FakeRequest get;
  get.caller = Manager();
  FakeResponse list;
  ASSERT_OK(Call("GET", kPages, get, list));
  ASSERT_TRUE(list.page.has_value());
  const std::string& html = list.page->body_html;
  EXPECT_NE(html.find("data-product=\"AUTO\""), std::string::npos);
  EXPECT_NE(html.find("value=\"" + std::to_string(contract_tpl) + "\" checked"), std::string::npos);
  EXPECT_NE(html.find("This CRM has no contracts"), std::string::npos);

  // A client-level template cannot go on a product: the list again with the reason, in French.
  FakeRequest wrong;
  wrong.caller = Manager("fr");
  wrong.form = {{"code", "AUTO"}, {"template_id", std::to_string(client_tpl)}};
  FakeResponse refused;
  ASSERT_OK(Call("POST", "/admin/plugins/client-documents/attestation-products", wrong, refused));
  EXPECT_EQ(refused.status, 422);
  EXPECT_NE(refused.page->body_html.find("Un produit ne reçoit que des modèles"),
            std::string::npos);
  EXPECT_EQ(Count("cd_att_product_templates"), 1);

  FakeRequest del;
  del.caller = Manager();
  FakeResponse deleted;
  ASSERT_OK(Call("POST", kPages + "/" + std::to_string(contract_tpl) + "/delete", del, deleted));
  EXPECT_EQ(deleted.redirect, kPages + "?flash=deleted");
  EXPECT_EQ(Count("cd_att_templates"), 1);
  EXPECT_EQ(Count("cd_att_product_templates"), 0);
}

TEST_F(AttestationPagesTest, ClientsSeeClientTemplatesWithoutAnyContract) {
  int64_t client = host_.AddClient("Léa", "Martin");
  auto menu = [&] {
    std::vector<crm::MenuItem> items =
        registry_.BuildMenu(crm::MenuArea::kAccount, {}, ClientPrincipal(client, "fr"));
    for (const auto& item : items) {
      if (item.path == "/account/attestations") return item.label;
    }
    return std::string();
  };
  EXPECT_EQ(menu(), "") << "nothing to request, nothing made: no entry";
  int64_t tpl = UploadedId(Upload("Residence", "client", docx_));
  EXPECT_EQ(menu(), "Attestations");

  FakeRequest request;
  request.caller = ClientPrincipal(client, "fr");
  FakeResponse response;
  ASSERT_OK(Call("GET", "/account/attestations", request, response));
  ASSERT_TRUE(response.page.has_value());
  const std::string& html = response.page->body_html;
  EXPECT_NE(html.find("name=\"template_id\" value=\"" + std::to_string(tpl) + "\""),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("name=\"value.motif\""), std::string::npos);
  EXPECT_NE(html.find("action=\"/account/attestations\""), std::string::npos);
}

}  // namespace
}  // namespace cd_test
