// tests/web/templates_test.cc — every embedded template parses and renders, every POST form in
// every template carries the `_csrf` field, and inputs have labels.
#include "sample-host/web/templates.h"

#include <gtest/gtest.h>

#include <regex>

#include "sample-host/web/assets.h"
#include "tests/support/fake_http.h"
#include "tests/support/status_matchers.h"

namespace host::web {
namespace {

TEST(TemplatesTest, EveryTemplateParses) {
  std::vector<std::string> names = TemplateNames();
  ASSERT_GE(names.size(), 10u);
  for (const std::string& name : names) {
    kainjow::mustache::mustache tmpl(*TemplateSource(name));
    EXPECT_TRUE(tmpl.is_valid()) << name << ": " << tmpl.error_message();
  }
}

TEST(TemplatesTest, EveryPostFormInEveryTemplateHasTheCsrfField) {
  size_t forms = 0;
  for (const std::string& name : TemplateNames()) {
    for (const std::string& form : crm_test::PostForms(*TemplateSource(name))) {
      ++forms;
      EXPECT_NE(form.find("<input type=\"hidden\" name=\"_csrf\" value=\"{{csrf}}\">"),
                std::string::npos)
          << name << ": " << form.substr(0, 120);
    }
  }
  EXPECT_GE(forms, 10u);
}

TEST(TemplatesTest, EveryVisibleInputHasALabel) {
  std::regex input_id(R"re(<(input|select|textarea)\b[^>]*\bid="([^"]+)")re");
  for (const std::string& name : TemplateNames()) {
    const std::string& source = *TemplateSource(name);
    for (auto it = std::sregex_iterator(source.begin(), source.end(), input_id);
         it != std::sregex_iterator(); ++it) {
      std::string id = (*it)[2].str();
      EXPECT_NE(source.find("for=\"" + id + "\""), std::string::npos)
          << name << ": #" << id << " has no label";
    }
  }
}

TEST(TemplatesTest, VariablesAreEscapedByDefault) {
  TemplateData data;
  data.set("action", "/admin/login");
  data.set("email", "\"><script>x()</script>");
  crm::Result<std::string> html = RenderTemplate("login", data);
  ASSERT_OK(html) << html.status().ToString();
  EXPECT_EQ(html->find("<script>x()"), std::string::npos);
  EXPECT_NE(html->find("&quot;&gt;&lt;script&gt;"), std::string::npos);
}

TEST(TemplatesTest, UnknownTemplateIsNotFound) {
  EXPECT_EQ(RenderTemplate("nope", TemplateData()).status().code(), crm::StatusCode::kNotFound);
}

TEST(AssetsTest, CssAndJsAreEmbeddedWithAVersion) {
  const Asset* css = FindAsset("app.css");
  ASSERT_NE(css, nullptr);
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
  EXPECT_NE(css->content.find(":focus-visible"), std::string::npos);
  EXPECT_NE(css->content.find("overflow-x: auto"), std::string::npos);  // tables scroll on a phone
  ASSERT_NE(FindAsset("app.js"), nullptr);
  EXPECT_EQ(AssetUrl("app.css"), "/assets/app.css?v=" + css->version);
  EXPECT_EQ(FindAsset("../secret"), nullptr);
}

}  // namespace
}  // namespace host::web
