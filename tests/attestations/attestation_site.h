// tests/attestations/attestation_site.h — the fixture the attestation end-to-end suites share: the
// end-to-end base (crm_test::E2eSiteTest: a real sample-host with the module on SQLite, or on
// PostgreSQL with CRM_E2E_PG_URL, and an admin token) and the few API calls every attestation test
// makes.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/e2e_env.h"
#include "tests/support/e2e_site_test.h"
#include "tests/support/http_client.h"

namespace cd_test {

class AttestationSiteTest : public crm_test::E2eSiteTest {
 protected:
  explicit AttestationSiteTest(crm_test::E2eSite::Options options)
      : E2eSiteTest(std::move(options)) {}

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

  const std::string& token_ = full_;  // these suites' name for the full-scope token
};

}  // namespace cd_test
