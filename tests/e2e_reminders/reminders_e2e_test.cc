// tests/e2e_reminders/reminders_e2e_test.cc — issue 11's reminders (PT6) and the retention purge
// (PT7) against the real sample-host: `sample-host run-jobs --now` on successive fixed days drives
// the jobs, the outbox and the journal are checked (first reminder after first_after_days, then
// every every_days, at most max, never twice a day, stopped once met, none when paused or
// disabled, French and Dutch wording, expiring and expired documents), and the purge removes
// exactly the archived versions past their type's retention (rows and objects). On SQLite, and
// on PostgreSQL + S3 as cd_reminders_e2e_tests.pg.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/e2e_site_test.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace {

namespace json = boost::json;
using crm_test::Bearer;
using crm_test::Day;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::Json;

constexpr char kAdminEmail[] = "boss@remind-e2e.test";
constexpr char kAdminPassword[] = "remind-e2e-password-42";
constexpr char kApi[] = "/api/v1/plugins/client-documents";
constexpr char kBaseUrl[] = "http://crm.remind-e2e.test";

class RemindersE2e : public crm_test::E2eSiteTest {
 protected:
  RemindersE2e()
      : E2eSiteTest({CD_E2E_SAMPLE_HOST, CD_E2E_PLUGIN_DIR, "cd-remind-e2e", kAdminEmail,
                     kAdminPassword}) {}

  HttpResponse PutJson(const std::string& path, const json::value& body) {
    return api_->Put(kApi + path, JsonHeaders(), json::serialize(body));
  }
  int64_t CreateClient(const std::string& first, const std::string& email,
                       const std::string& language) {
    return crm_test::CreateE2eClient(*api_, full_, first, email, language);
  }
  int64_t CreateType(const json::object& body) {
    return crm_test::CreateDocumentType(*api_, full_, body);
  }
  std::string DocPath(int64_t client, int64_t type) { return crm_test::DocumentPath(client, type); }
  HttpResponse Upload(int64_t client, int64_t type, const std::string& marker,
                      const std::map<std::string, std::string>& fields = {}) {
    return crm_test::UploadPdf(*api_, full_, client, type, marker, fields);
  }
  HttpResponse Review(int64_t client, int64_t type, const std::string& body) {
    return api_->Post(DocPath(client, type) + "/review", JsonHeaders(), body);
  }
  void Remind(bool enabled, int first_after_days, int every_days, int max) {
    HttpResponse r = PutJson(
        "/settings", json::object{{"reminders", json::object{{"enabled", enabled},
                                                             {"first_after_days", first_after_days},
                                                             {"every_days", every_days},
                                                             {"max", max}}}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // `sample-host run-jobs` on the site's database and store, at 08:00 UTC of today + `day`.
  void RunJobsOn(int day) {
    crm_test::CliResult r =
        site_.RunJobs(std::string("--base-url ") + kBaseUrl + " --now " + Day(day) + "T08:00:00Z");
    // A fresh connection after each (long) step: a keep-alive one left idle that long was once
    // found waiting forever for its answer on a loaded machine (PostgreSQL run).
    api_ = std::make_unique<HttpClient>(host_->port());
    ASSERT_EQ(r.code, 0) << r.output;
  }
  // The reminders `to` got: the mails run-jobs wrote (links on kBaseUrl; the serving host's
  // own mails, if any, link to its 127.0.0.1 address).
  std::vector<std::string> Mails(const std::string& to) {
    std::vector<std::string> out;
    for (std::string& m : crm_test::OutboxMails(site_.data() / "outbox"))
      if (m.find("To: " + to + "\r\n") != std::string::npos &&
          m.find(std::string(kBaseUrl) + "/p/client-documents/l/") != std::string::npos)
        out.push_back(std::move(m));
    return out;
  }
  // The journal's entries of `action` about `client` (newest first).
  std::vector<json::value> Entries(const std::string& action, int64_t client) {
    HttpResponse r = api_->Get(
        std::string(kApi) + "/journal?action=" + action + "&client_id=" + std::to_string(client),
        Bearer(full_));
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<json::value> out;
    if (r.status != 200) return out;
    const json::value page = Json(r);
    for (const auto& e : page.at("items").as_array()) out.push_back(e);
    return out;
  }
};

// ---- Reminders (PT6) -------------------------------------------------------------------------

TEST_F(RemindersE2e, FollowTheScheduleNeverTwiceADayAtMostMaxAndStopOnceMet) {
  Remind(true, 3, 2, 2);
  int64_t ann = CreateClient("Ann", "ann@remind-e2e.test", "en");
  int64_t id_card =
      CreateType({{"name", "ID card"}, {"upload_mode", "required"}, {"review", true}});
  CreateType({{"name", "Passport photo"}, {"upload_mode", "optional"}});
  const std::string to = "ann@remind-e2e.test";

  RunJobsOn(10);  // the need is seen today: it waits first_after_days
  RunJobsOn(12);
  EXPECT_EQ(Mails(to).size(), 0u);
  RunJobsOn(13);
  ASSERT_EQ(Mails(to).size(), 1u);
  const std::string first = Mails(to)[0];
  EXPECT_NE(first.find("Hello Ann E2e,"), std::string::npos) << first;
  EXPECT_NE(first.find("- ID card: please send it to us"), std::string::npos) << first;
  EXPECT_EQ(first.find("Passport photo"), std::string::npos) << first;  // optional: no need
  // A PT1 link (SPEC §6), minted for this mail and journaled.
  EXPECT_NE(first.find(std::string(kBaseUrl) + "/p/client-documents/l/"), std::string::npos)
      << first;
  RunJobsOn(13);  // run twice the same day: nothing more
  EXPECT_EQ(Mails(to).size(), 1u);
  RunJobsOn(14);  // every_days = 2
  EXPECT_EQ(Mails(to).size(), 1u);
  RunJobsOn(15);
  EXPECT_EQ(Mails(to).size(), 2u);
  RunJobsOn(17);  // max = 2
  EXPECT_EQ(Mails(to).size(), 2u);
  std::vector<json::value> sent = Entries("reminder_sent", ann);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].at("detail").as_string(), "type:" + std::to_string(id_card) + ":missing");
  EXPECT_EQ(sent[0].at("actor").at("kind").as_string(), "system");

  // Uploaded (pending): the client did their part. Rejected: a new need, with its reason.
  ASSERT_EQ(Upload(ann, id_card, "1").status, 201);
  RunJobsOn(26);
  EXPECT_EQ(Mails(to).size(), 2u);
  ASSERT_EQ(Review(ann, id_card, R"({"decision":"reject","reason":"The photo is blurred"})").status,
            200);
  RunJobsOn(27);
  EXPECT_EQ(Mails(to).size(), 2u);
  RunJobsOn(30);
  ASSERT_EQ(Mails(to).size(), 3u);
  EXPECT_NE(Mails(to)[2].find("ID card: we could not accept it (The photo is blurred)"),
            std::string::npos)
      << Mails(to)[2];
  // Sent again and approved: met, so nothing more, ever.
  ASSERT_EQ(Upload(ann, id_card, "2").status, 200);
  ASSERT_EQ(Review(ann, id_card, R"({"decision":"approve"})").status, 200);
  for (int day : {33, 60}) RunJobsOn(day);
  EXPECT_EQ(Mails(to).size(), 3u);
  EXPECT_EQ(Entries("reminder_sent", ann).size(), 3u);
}

TEST_F(RemindersE2e, NoneWhenDisabledOrPausedAndTheSettingsAreChecked) {
  int64_t bob = CreateClient("Bob", "bob@remind-e2e.test", "en");
  CreateType({{"name", "Contract"}, {"upload_mode", "required"}});
  const std::string to = "bob@remind-e2e.test";
  json::value defaults = Json(api_->Get(std::string(kApi) + "/settings", Bearer(full_)));
  EXPECT_EQ(defaults.at("reminders").at("enabled").as_bool(), false);
  RunJobsOn(10);
  RunJobsOn(30);
  EXPECT_EQ(Mails(to).size(), 0u);  // off by default

  for (const char* bad : {R"({"reminders":{"max":0}})", R"({"reminders":{"every_days":0}})",
                          R"({"reminders":{"first_after_days":400}})"})
    EXPECT_EQ(api_->Put(std::string(kApi) + "/settings", JsonHeaders(), bad).status, 422) << bad;
  EXPECT_EQ(
      api_->Put(std::string(kApi) + "/settings", JsonHeaders(), R"({"reminders":{"often":1}})")
          .status,
      400);
  Remind(true, 1, 1, 5);
  json::value saved = Json(api_->Get(std::string(kApi) + "/settings", Bearer(full_)));
  EXPECT_EQ(saved.at("reminders").at("max").as_int64(), 5);

  const std::string pause = "/clients/" + std::to_string(bob) + "/reminders";
  EXPECT_EQ(PutJson(pause, json::object{{"paused", "yes"}}).status, 422);
  EXPECT_EQ(PutJson("/clients/999999/reminders", json::object{{"paused", true}}).status, 404);
  HttpResponse paused = PutJson(pause, json::object{{"paused", true}});
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_TRUE(Json(paused).at("paused").as_bool());
  EXPECT_FALSE(Json(paused).at("paused_by").as_string().empty());
  RunJobsOn(40);
  RunJobsOn(45);
  EXPECT_EQ(Mails(to).size(), 0u);

  HttpResponse resumed = PutJson(pause, json::object{{"paused", false}});
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_FALSE(Json(api_->Get(kApi + pause, Bearer(full_))).at("paused").as_bool());
  RunJobsOn(46);  // tracked since day 40, while paused: due at once
  EXPECT_EQ(Mails(to).size(), 1u);
  EXPECT_EQ(Entries("reminder_sent", bob).size(), 1u);
}

TEST_F(RemindersE2e, FrenchAndDutchMailsListMissingExpiringAndExpiredDocuments) {
  Remind(true, 3, 7, 3);
  int64_t claire = CreateClient("Claire", "claire@remind-e2e.test", "fr");
  CreateClient("Daan", "daan@remind-e2e.test", "nl");
  json::object body{
      {"name",
       json::object{{"en", "ID card"}, {"fr", "Carte d’identité"}, {"nl", "Identiteitskaart"}}},
      {"upload_mode", "required"},
      {"fields", json::array{json::object{
                     {"key", "valid_until"}, {"label", "Valid until"}, {"type", "date"}}}},
      {"expiry_field", "valid_until"},
      {"expiry_warn_days", 30}};
  int64_t id_card = CreateType(body);
  ASSERT_EQ(Upload(claire, id_card, "c", {{"valid_until", Day(40)}}).status, 201);
  const std::string fr_date =
      Day(40).substr(8, 2) + "/" + Day(40).substr(5, 2) + "/" + Day(40).substr(0, 4);

  RunJobsOn(15);  // Claire's card expires within 30 days: told at once; Daan's is missing
  ASSERT_EQ(Mails("claire@remind-e2e.test").size(), 1u);
  const std::string fr = Mails("claire@remind-e2e.test")[0];
  EXPECT_NE(fr.find("Bonjour Claire E2e,"), std::string::npos) << fr;
  EXPECT_NE(fr.find("- Carte d’identité : expire le " + fr_date), std::string::npos) << fr;
  EXPECT_NE(fr.find("Vous pouvez les déposer ici :"), std::string::npos) << fr;
  EXPECT_EQ(Mails("daan@remind-e2e.test").size(), 0u);
  RunJobsOn(18);
  ASSERT_EQ(Mails("daan@remind-e2e.test").size(), 1u);
  const std::string nl = Mails("daan@remind-e2e.test")[0];
  EXPECT_NE(nl.find("Beste Daan E2e,"), std::string::npos) << nl;
  EXPECT_NE(nl.find("- Identiteitskaart: gelieve het ons te bezorgen"), std::string::npos) << nl;

  RunJobsOn(41);  // expired: a new need, told at once
  ASSERT_EQ(Mails("claire@remind-e2e.test").size(), 2u);
  const std::string expired = Mails("claire@remind-e2e.test")[1];
  EXPECT_NE(expired.find("Carte d’identité : a expiré le " + fr_date), std::string::npos)
      << expired;
  std::vector<json::value> sent = Entries("reminder_sent", claire);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].at("detail").as_string(), "type:" + std::to_string(id_card) + ":expired");
  EXPECT_EQ(sent[1].at("detail").as_string(), "type:" + std::to_string(id_card) + ":expiring");
}

// ---- Retention purge (PT7) -------------------------------------------------------------------

TEST_F(RemindersE2e, RetentionPurgesExactlyTheArchivedVersionsPastTheirTypesRetention) {
  int64_t ann = CreateClient("Ann", "ann@remind-e2e.test", "en");
  int64_t month = CreateType({{"name", "Payslip"}, {"retention_days", 30}});
  int64_t two_months = CreateType({{"name", "Invoice"}, {"retention_days", 60}});
  int64_t forever = CreateType({{"name", "Deed"}});
  for (int64_t type : {month, two_months, forever}) {
    ASSERT_EQ(Upload(ann, type, "v1").status, 201);
    ASSERT_EQ(Upload(ann, type, "v2").status, 200);
    ASSERT_EQ(Upload(ann, type, "v3").status, 200);  // two archived versions each
  }
  auto versions = [&](int64_t type) {
    HttpResponse r = api_->Get(DocPath(ann, type) + "/versions", Bearer(full_));
    EXPECT_EQ(r.status, 200) << r.body;
    json::value v = Json(r);
    return v.is_object() ? v.at("items").as_array().size() : static_cast<size_t>(99);
  };
  const std::set<std::string> before = crm_test::ModuleBlobs(site_.data(), site_.store_url());
  ASSERT_EQ(before.size(), 9u);

  RunJobsOn(20);  // nothing is old enough
  EXPECT_EQ(versions(month), 2u);
  RunJobsOn(45);  // past 30 days, not 60
  EXPECT_EQ(versions(month), 0u);
  EXPECT_EQ(versions(two_months), 2u);
  EXPECT_EQ(versions(forever), 2u);
  EXPECT_EQ(crm_test::ModuleBlobs(site_.data(), site_.store_url()).size(), 7u);
  RunJobsOn(70);
  EXPECT_EQ(versions(two_months), 0u);
  EXPECT_EQ(versions(forever), 2u);
  const std::set<std::string> after = crm_test::ModuleBlobs(site_.data(), site_.store_url());
  EXPECT_EQ(after.size(), 5u);
  for (const std::string& key : after) EXPECT_EQ(before.count(key), 1u) << key;
  // The current documents stay, and every purge is journaled.
  for (int64_t type : {month, two_months, forever})
    EXPECT_EQ(api_->Get(DocPath(ann, type) + "/file", Bearer(full_)).status, 200);
  std::vector<json::value> erased = Entries("erased", ann);
  ASSERT_EQ(erased.size(), 4u);
  EXPECT_EQ(std::string(erased[0].at("object").as_string()).rfind("version:", 0), 0u);
  EXPECT_EQ(std::string(erased[0].at("detail").as_string()).rfind("retention:60d;sha256:", 0), 0u);
  json::value verify = Json(api_->Get(std::string(kApi) + "/journal/verify", Bearer(full_)));
  EXPECT_TRUE(verify.at("ok").as_bool());
}

}  // namespace
