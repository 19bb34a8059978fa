// tests/attestations/attestation_site.h — the fixture the attestation end-to-end suites share: a
// real sample-host with the module (E2eSite: SQLite, or PostgreSQL with CRM_E2E_PG_URL), an admin
// token, and the few API calls every attestation test makes.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/e2e_env.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace cd_test {

class AttestationSiteTest : public ::testing::Test {
 protected:
  explicit AttestationSiteTest(crm_test::E2eSite::Options options) : site_(std::move(options)) {}

  // The admin, its token (every scope), then the host with `serve_args`.
  void StartSite(std::vector<std::string> serve_args = {}) {
    ASSERT_EQ(site_.CreateAdmin().code, 0);
    auto token = site_.CreateToken("");
    ASSERT_EQ(token.code, 0) << token.output;
    token_ = token.output;
    auto host = site_.Start(std::move(serve_args));
    ASSERT_TRUE(host.ok()) << host.status().ToString();
    host_ = std::move(*host);
    api_ = std::make_unique<crm_test::HttpClient>(host_->port());
  }

  crm_test::HttpResponse PostJson(const std::string& path, const boost::json::value& body) {
    return api_->Post(path, crm_test::Bearer(token_, {{"Content-Type", "application/json"}}),
                      boost::json::serialize(body));
  }

  // The "id" of a JSON answer expected with `status` (0 when there is none).
  int64_t Id(const crm_test::HttpResponse& r, int status) {
    EXPECT_EQ(r.status, status) << r.body;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.body, ec);
    return !ec && v.is_object() && v.as_object().contains("id") ? v.at("id").as_int64() : 0;
  }

  // POST P/templates (multipart) with the token.
  crm_test::HttpResponse UploadTemplate(const std::string& name, const std::string& entity,
                                        const std::string& validation, const std::string& bytes) {
    crm_test::MultipartBuilder mb;
    mb.AddField("name", name).AddField("entity", entity).AddField("validation", validation);
    mb.AddFile("file", "t.docx", "application/octet-stream", bytes);
    return api_->Post("/api/v1/plugins/client-documents/templates",
                      crm_test::Bearer(token_, {{"Content-Type", mb.ContentType()}}), mb.Build());
  }

  crm_test::E2eSite site_;
  std::string token_;
  std::unique_ptr<crm_test::HostProcess> host_;
  std::unique_ptr<crm_test::HttpClient> api_;
};

}  // namespace cd_test
