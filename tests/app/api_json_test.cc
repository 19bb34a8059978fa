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

// Issue 10: the client JSON is written as text (text/json_writer.h); every field a person can
// type reads back the same, whatever its characters.
TEST(ClientJson, EveryTextFieldReadsBackTheSame) {
  Client c;
  c.id = 9;
  int n = 0;
  auto text = [&] { return "x\"\\<&>\n\t\x01 Élise #" + std::to_string(++n); };
  for (std::string* f : {&c.first_name, &c.last_name, &c.email, &c.phone, &c.mobile, &c.website,
                         &c.gender, &c.language, &c.company, &c.vat_number, &c.tax_code}) {
    *f = text();
  }
  for (ClientAddress* a : {&c.address, &c.billing_address, &c.delivery_address}) {
    for (std::string* f : {&a->street, &a->postal_code, &a->city, &a->region, &a->country})
      *f = text();
  }
  c.origin = {text(), text(), text(), text(), text()};
  c.newsletter.status = text();
  c.newsletter.lists = {text(), text()};
  c.tags = {text(), text()};
  c.birth_date = "1990-02-03";
  c.avatar = "a.png";
  Client back;
  ASSERT_OK(ApplyClientJson(ClientToJson(c), back));
  for (auto field :
       {&Client::first_name, &Client::last_name, &Client::email, &Client::phone, &Client::mobile,
        &Client::website, &Client::gender, &Client::language, &Client::company, &Client::vat_number,
        &Client::tax_code, &Client::birth_date}) {
    EXPECT_EQ(back.*field, c.*field);
  }
  for (auto address : {&Client::address, &Client::billing_address, &Client::delivery_address}) {
    EXPECT_EQ((back.*address).street, (c.*address).street);
    EXPECT_EQ((back.*address).country, (c.*address).country);
  }
  EXPECT_EQ(back.origin.referrer, c.origin.referrer);
  EXPECT_EQ(back.newsletter.status, c.newsletter.status);
  EXPECT_EQ(back.newsletter.lists, c.newsletter.lists);
  EXPECT_EQ(back.tags, c.tags);
  const boost::json::value v = boost::json::parse(ClientToJson(c));
  EXPECT_EQ(v.at("avatar_url").as_string(), "/admin/clients/9/avatar/a.png");
  EXPECT_EQ(v.at("id").as_int64(), 9);
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
