// tests/app/api_json_test.cc — the JSON shape of a client (SPEC §5) and how POST/PATCH bodies
// apply:
// only known fields, strict types, never the id, the login state or the creation date.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "sample-host/app/api_routes.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST(ClientJson, HasTheSpecShape) {
  Client c;
  c.id = 7;
  c.first_name = "Marie";
  c.last_name = "Dupont";
  c.address.city = "Liège";
  c.tags = {"vip"};
  c.created_at = 123;
  boost::json::value v = boost::json::parse(ClientToJson(c));
  const auto& o = v.as_object();
  for (const char* key : {"id", "first_name", "last_name", "email", "phone", "mobile", "website",
                          "birth_date", "language", "address", "company", "vat_number", "tax_code",
                          "tags", "login_enabled", "created_at"}) {
    EXPECT_TRUE(o.contains(key)) << key;
  }
  for (const char* key : {"street", "postal_code", "city", "region", "country"}) {
    EXPECT_TRUE(o.at("address").as_object().contains(key)) << key;
  }
  EXPECT_EQ(o.at("address").at("city").as_string(), "Liège");
  EXPECT_EQ(o.at("tags").as_array().size(), 1u);
  EXPECT_TRUE(o.at("birth_date").is_null());
  EXPECT_FALSE(o.contains("password_hash"));
}

TEST(ClientJson, AppliesKnownFieldsStrictly) {
  Client c;
  c.id = 5;
  c.first_name = "Old";
  c.created_at = 42;
  ASSERT_OK(ApplyClientJson(R"({"first_name":"New","address":{"city":"Gent"},"tags":["a","b"],
                                 "id":999,"created_at":1,"login_enabled":true,"unknown":1})",
                            c));
  EXPECT_EQ(c.first_name, "New");
  EXPECT_EQ(c.address.city, "Gent");
  EXPECT_EQ(c.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.id, 5);
  EXPECT_EQ(c.created_at, 42);
  EXPECT_FALSE(c.login_enabled);

  crm::Status s = ApplyClientJson(R"({"email": 12})", c);
  EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().rfind("email:", 0), 0u);
  EXPECT_EQ(ApplyClientJson(R"({"tags": "vip"})", c).code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyClientJson(R"({"address": {"city": []}})", c).code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyClientJson("[1,2]", c).code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyClientJson("{not json", c).code(), crm::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace host
