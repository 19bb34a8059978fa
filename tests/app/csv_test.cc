// tests/app/csv_test.cc — the CSV writer/reader (RFC 4180, separators, BOM, hostile input) and the
// client
// export -> import round trip through a second, empty database (SPEC H2).
#include "sample-host/app/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample-host/app/client_csv.h"
#include "sample-host/app/client_store.h"
#include "sample-host/core/hook_registry.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST(Csv, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csv::Field("plain", ','), "plain");
  EXPECT_EQ(csv::Field("a,b", ','), "\"a,b\"");
  EXPECT_EQ(csv::Field("a,b", ';'), "a,b");
  EXPECT_EQ(csv::Field("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(csv::Field("say \"hi\"", ','), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv::Field("two\nlines", ','), "\"two\nlines\"");
  EXPECT_EQ(csv::Row({"a", "", "c"}, ','), "a,,c\r\n");
}

TEST(Csv, GuardsFormulasButNotPhoneNumbers) {
  EXPECT_EQ(csv::Field("=HYPERLINK(\"x\")", ','), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(csv::Field("@SUM(A1)", ','), "'@SUM(A1)");
  EXPECT_EQ(csv::Field("-2+3+cmd|' /C calc'!A0", ';'), "'-2+3+cmd|' /C calc'!A0");
  EXPECT_EQ(csv::Field("+32 470 12 34 56", ','), "+32 470 12 34 56");
  EXPECT_EQ(csv::Unguard("'=1+2"), "=1+2");
  EXPECT_EQ(csv::Unguard("'plain"), "'plain");
  EXPECT_EQ(csv::Unguard("+32 470"), "+32 470");
}

TEST(Csv, ParsesQuotedFieldsAcrossLinesBomAndSeparators) {
  std::string text =
      std::string(csv::kUtf8Bom) +
      "name;note\r\n\"Dupont; Marie\";\"line one\nline \"\"two\"\"\"\r\n\r\nPeeters;\r\n";
  EXPECT_EQ(csv::DetectSeparator(text), ';');
  auto r = csv::Parse(text);
  ASSERT_OK(r) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].fields, (std::vector<std::string>{"name", "note"}));
  EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"Dupont; Marie", "line one\nline \"two\""}));
  EXPECT_EQ((*r)[1].line, 2);
  EXPECT_EQ((*r)[2].fields, (std::vector<std::string>{"Peeters", ""}));
  EXPECT_EQ((*r)[2].line, 5);            // the quoted newline and the blank line count
  auto commas = csv::Parse("a,b\n1,2");  // LF only, no final newline
  ASSERT_OK(commas);
  ASSERT_EQ(commas->size(), 2u);
  EXPECT_EQ((*commas)[1].fields, (std::vector<std::string>{"1", "2"}));
}

TEST(Csv, RefusesBrokenInputNamingTheLine) {
  auto unclosed = csv::Parse("a,b\n1,\"never closed\n2,3\n");
  EXPECT_EQ(unclosed.status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_NE(unclosed.status().message().find("line 2"), std::string::npos)
      << unclosed.status().message();
  auto after = csv::Parse("a,b\n\"x\"y,2\n");
  EXPECT_EQ(after.status().code(), crm::StatusCode::kInvalidArgument);
  auto inner = csv::Parse("a,b\nx\"y,2\n");
  EXPECT_EQ(inner.status().code(), crm::StatusCode::kInvalidArgument);
  auto nul = csv::Parse(std::string("a,b\n1,\0", 7));
  EXPECT_EQ(nul.status().code(), crm::StatusCode::kInvalidArgument);
}

TEST(Csv, WriterAndReaderRoundTripHostileFields) {
  std::vector<std::vector<std::string>> rows = {
      {"id", "text", "more"},
      {"1", "comma, semicolon; \"quotes\"", "new\nline and\r\nCRLF"},
      {"2", "=cmd|' /C calc'!A0", " leading space"},
      {"3", "", "Émile Zoë — ünïcödé"},
  };
  for (char sep : {',', ';'}) {
    std::string text;
    for (const auto& r : rows) text += csv::Row(r, sep);
    auto parsed = csv::Parse(text);
    ASSERT_OK(parsed) << parsed.status().ToString();
    ASSERT_EQ(parsed->size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      std::vector<std::string> got;
      for (const auto& f : (*parsed)[i].fields) got.push_back(csv::Unguard(f));
      EXPECT_EQ(got, rows[i]) << "separator " << sep << " row " << i;
    }
  }
}

class ClientCsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StagingRegistrar plugin("test-plugin");
    crm::ListColumn col;
    col.id = "len";
    col.label_key = "k";
    col.sql = "length(c.last_name)";
    col.render_html = [](const crm::SqlValue&, std::string_view) { return std::string(); };
    ASSERT_OK(plugin.AddListColumn(col));
    ASSERT_OK(registry_.Commit(plugin.Take()));
  }
  testing::TestDb a_, b_;
  HookRegistry registry_;
  HookRegistry empty_registry_;
  ClientStore store_a_{a_.db(), registry_, [] { return int64_t{1700000000}; }};
  ClientStore store_b_{b_.db(), empty_registry_, [] { return int64_t{1700000500}; }};
};

TEST_F(ClientCsvTest, ExportThenImportRoundTrips) {
  Client c1;
  c1.first_name = "Marie-Ève";
  c1.last_name = "D'Artagnan, \"la\"";
  c1.email = "me@example.fr";
  c1.phone = "+32 470 12 34 56";
  c1.company = "=SUM(A1:A9)";
  c1.address.street = "Rue Neuve 1\nBoîte 3";
  c1.address.city = "Liège";
  c1.language = "fr";
  c1.birth_date = "1990-12-31";
  c1.tags = {"vip", "b2b"};
  Client c2;
  c2.last_name = "Peeters";
  c2.language = "nl";
  ASSERT_OK(store_a_.Create(c1));
  ASSERT_OK(store_a_.Create(c2));

  for (bool bom : {false, true}) {
    for (char sep : {',', ';'}) {
      testing::TestDb fresh;
      HookRegistry none;
      ClientStore target(fresh.db(), none, [] { return int64_t{1}; });
      std::string out;
      ClientListQuery q;
      q.sort = "id";
      ASSERT_OK(ExportClientsCsv(store_a_, q, {sep, bom}, [&](std::string_view chunk) {
        out += chunk;
        return crm::Status::Ok();
      }));
      EXPECT_EQ(out.rfind(std::string(csv::kUtf8Bom), 0) == 0, bom);
      EXPECT_NE(out.find("test-plugin.len"), std::string::npos);  // plugin column in the header
      auto report = ImportClientsCsv(target, out);
      ASSERT_OK(report) << report.status().ToString();
      ASSERT_EQ(report->size(), 2u);
      for (const auto& r : *report) EXPECT_TRUE(r.ok) << r.line << ": " << r.message;
      auto original = store_a_.List({1, 10, "id", "", {}});
      auto copy = target.List({1, 10, "id", "", {}});
      ASSERT_TRUE(original.ok() && copy.ok());
      ASSERT_EQ(copy->rows.size(), 2u);
      for (size_t i = 0; i < 2; ++i) {
        Client x = original->rows[i].client, y = copy->rows[i].client;
        EXPECT_EQ(x.first_name, y.first_name);
        EXPECT_EQ(x.last_name, y.last_name);
        EXPECT_EQ(x.email, y.email);
        EXPECT_EQ(x.phone, y.phone);
        EXPECT_EQ(x.company, y.company);
        EXPECT_EQ(x.address.street, y.address.street);
        EXPECT_EQ(x.address.city, y.address.city);
        EXPECT_EQ(x.language, y.language);
        EXPECT_EQ(x.birth_date, y.birth_date);
        EXPECT_EQ(x.tags, y.tags);
      }
    }
  }
}

TEST_F(ClientCsvTest, ImportReportsEachBadRowAndKeepsTheGoodOnes) {
  std::string text =
      "last_name;first_name;email;language;birth_date;street\n"
      "Dupont;Marie;marie@example.com;fr;1980-01-01;\n"
      "Broken;Email;not-an-email;fr;;\n"
      "Lambert;Élise;elise@example.com;de;;\n"
      "Claes;Sofie;sofie@example.be;nl;1999-02-30;\n"
      "Multi;Line;multi@example.com;en;;\"Kerkstraat 1\nbus 2\"\n"
      "Too;Few\n"
      "Twice;Marie;marie@example.com;fr;;\n";
  auto report = ImportClientsCsv(store_b_, text);
  ASSERT_OK(report) << report.status().ToString();
  ASSERT_EQ(report->size(), 7u);
  const auto& r = *report;
  EXPECT_TRUE(r[0].ok);
  EXPECT_EQ(r[0].line, 2);
  EXPECT_FALSE(r[1].ok);
  EXPECT_NE(r[1].message.find("email"), std::string::npos);
  EXPECT_FALSE(r[2].ok);
  EXPECT_NE(r[2].message.find("language"), std::string::npos);
  EXPECT_FALSE(r[3].ok);
  EXPECT_NE(r[3].message.find("birth_date"), std::string::npos);
  EXPECT_TRUE(r[4].ok);
  EXPECT_EQ(r[4].line, 6);
  EXPECT_FALSE(r[5].ok);
  EXPECT_EQ(r[5].line, 8);  // the quoted newline moved it
  EXPECT_FALSE(r[6].ok);    // duplicate email
  auto page = store_b_.List({1, 50, "last_name", "", {}});
  ASSERT_OK(page);
  EXPECT_EQ(page->total, 2);
}

TEST_F(ClientCsvTest, ImportRefusesTextWithoutHeader) {
  EXPECT_EQ(ImportClientsCsv(store_b_, "").status().code(), crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(ImportClientsCsv(store_b_, "foo,bar\n1,2\n").status().code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_EQ(ImportClientsCsv(store_b_, "last_name\n\"open").status().code(),
            crm::StatusCode::kInvalidArgument);
}

TEST_F(ClientCsvTest, ImportUpdatesAnExistingIdAndIgnoresUnknownIds) {
  Client c;
  c.last_name = "Original";
  c.email = "orig@example.com";
  auto created = store_b_.Create(c);
  ASSERT_OK(created);
  std::string id = std::to_string(created->id);
  std::string text = "id,email,last_name\n" + id +
                     ",orig@example.com,Renamed\n999999,,Newcomer\nabc,,Third\n" + id +
                     ",stranger@example.com,Stranger\n";
  auto report = ImportClientsCsv(store_b_, text);
  ASSERT_OK(report);
  ASSERT_EQ(report->size(), 4u);
  EXPECT_EQ((*report)[0].message, "updated");
  EXPECT_EQ((*report)[1].message, "created");
  EXPECT_NE((*report)[1].client_id, 999999);
  EXPECT_EQ((*report)[2].message, "created");
  // Same id, another person: a new client, the existing one untouched.
  EXPECT_EQ((*report)[3].message, "created");
  EXPECT_NE((*report)[3].client_id, created->id);
  EXPECT_EQ(store_b_.Get(created->id)->last_name, "Renamed");
  EXPECT_EQ(store_b_.Get(created->id)->email, "orig@example.com");
}

}  // namespace
}  // namespace host
