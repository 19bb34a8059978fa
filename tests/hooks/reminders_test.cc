// tests/hooks/reminders_test.cc — reminders (PT6) on the fake host (SQLite, and PostgreSQL as
// .pg): the job's schedule and cap per need, the day's claim, the pause, the stored needs
// following the documents; the settings form and the profile tab's pause button.
#include <optional>
#include <string>

#include "plugin/reminders/reminders.h"
#include "plugin/review/state.h"
#include "tests/hooks/test_host.h"
#include "tests/support/status_matchers.h"

namespace cd_test {
namespace {

constexpr int64_t kDay = 86400;

class RemindersTest : public ModuleTest {
 protected:
  void SetUp() override {
    ModuleTest::SetUp();
    ann_ = host_.AddClient("Ann", "Archer");
    ASSERT_OK(host_.Db().Exec("UPDATE clients SET email = 'ann@example.com' WHERE id = ?", {ann_}));
    id_card_ = AddType("ID card", cd::UploadMode::kRequired);
    AddType("Photo", cd::UploadMode::kOptional);
    cd::Settings s;
    s.reminders = {true, 2, 3, 2};
    ASSERT_OK(services_->settings().Save(s));
  }
  // Runs the job on day `day` (from the fixture's clock); returns how many mails it sent.
  int RunOn(int day) {
    host_.now_ = start_ + day * kDay;
    auto sent = cd::SendReminders(*services_);
    EXPECT_OK(sent);
    return sent.ok() ? *sent : -1;
  }
  int64_t Scalar(const std::string& sql, std::optional<int64_t> param = std::nullopt) {
    crm::SqlParams params;
    if (param) params.emplace_back(*param);
    auto row = host_.Db().QueryOne(sql, params);
    EXPECT_OK(row);
    return row.ok() && *row ? (**row).Int(0) : -1;
  }

  int64_t start_ = 1795000000;
  int64_t ann_ = 0, id_card_ = 0;
};

TEST_F(RemindersTest, FirstAfterTheWaitThenEveryDaysAtMostMaxOncePerDay) {
  EXPECT_EQ(RunOn(0), 0);
  EXPECT_EQ(RunOn(1), 0);
  EXPECT_EQ(RunOn(2), 1);
  EXPECT_EQ(RunOn(2), 0);  // the day's pass is done
  ASSERT_OK(host_.Db().Exec("DELETE FROM cd_reminder_days WHERE client_id = 0"));
  EXPECT_EQ(RunOn(2), 0);  // without that mark (a second node), the client's claim holds
  EXPECT_EQ(RunOn(4), 0);
  EXPECT_EQ(RunOn(5), 1);
  EXPECT_EQ(RunOn(8), 0);  // max
  ASSERT_EQ(host_.mails.size(), 2u);
  EXPECT_EQ(host_.mails[0].to, "ann@example.com");
  EXPECT_NE(host_.mails[0].text_body.find("client-documents.reminders.need_missing"),
            std::string::npos);
  EXPECT_NE(host_.mails[0].text_body.find("http://127.0.0.1:8080/p/client-documents/l/"),
            std::string::npos);
  // Each mail minted its own link, stored hashed, to the client.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cd_links WHERE client_id = ? AND contact_email = "
                   "'ann@example.com'",
                   ann_),
            2);
  EXPECT_EQ(Scalar("SELECT sent_count FROM cd_reminder_needs"), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cd_reminder_days WHERE client_id = ?", ann_), 2);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cd_reminder_days WHERE client_id = 0"), 4);  // passes
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cd_journal WHERE action = 'reminder_sent'"), 2);
  // Met: the need is forgotten.
  GiveDocument(ann_, id_card_);
  EXPECT_EQ(RunOn(9), 0);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cd_reminder_needs"), 0);
}

TEST_F(RemindersTest, PausedDisabledOrWithoutAddressNothingIsSent) {
  auto client_pause = cd::SetReminderPause(*services_, ClientPrincipal(ann_), ann_, true);
  EXPECT_EQ(client_pause.status().code(), crm::StatusCode::kNotFound);
  auto reader_pause =
      cd::SetReminderPause(*services_, AdminPrincipal({"documents.read"}), ann_, true);
  EXPECT_EQ(reader_pause.status().code(), crm::StatusCode::kPermissionDenied);
  const crm::Principal staff = AdminPrincipal({"documents.read", "documents.write"});
  auto paused = cd::SetReminderPause(*services_, staff, ann_, true);
  ASSERT_OK(paused);
  EXPECT_TRUE(paused->paused);
  for (int day : {0, 5, 10}) EXPECT_EQ(RunOn(day), 0);
  ASSERT_OK(cd::SetReminderPause(*services_, staff, ann_, false));
  EXPECT_EQ(RunOn(11), 1);  // tracked since day 0 while paused

  cd::Settings off;
  ASSERT_OK(services_->settings().Save(off));
  EXPECT_EQ(RunOn(30), 0);
  ASSERT_OK(host_.Db().Exec("UPDATE clients SET email = '' WHERE id = ?", {ann_}));
  cd::Settings on;
  on.reminders = {true, 0, 1, 5};
  ASSERT_OK(services_->settings().Save(on));
  EXPECT_EQ(RunOn(40), 0);
  EXPECT_EQ(host_.mails.size(), 1u);
}

TEST_F(RemindersTest, RejectedExpiringAndExpiredAreNeedsPendingIsNot) {
  GiveDocument(ann_, id_card_);
  ASSERT_OK(host_.Db().Exec("UPDATE cd_types SET review = 1 WHERE id = ?", {id_card_}));
  auto client = host_.FindClient(ann_);
  ASSERT_OK(client);
  const std::string today = cd::IsoDate(start_);
  auto needs = cd::ClientNeeds(*services_, *client, today);
  ASSERT_OK(needs);
  EXPECT_TRUE(needs->empty());  // pending: the client did their part
  ASSERT_OK(
      host_.Db().Exec("UPDATE cd_documents SET review_state = 'rejected', review_reason ="
                      " 'blurred' WHERE client_id = ?",
                      {ann_}));
  needs = cd::ClientNeeds(*services_, *client, today);
  ASSERT_OK(needs);
  ASSERT_EQ(needs->size(), 1u);
  EXPECT_EQ((*needs)[0].state, "rejected");
  EXPECT_EQ((*needs)[0].reason, "blurred");
  ASSERT_OK(
      host_.Db().Exec("UPDATE cd_documents SET review_state = 'approved', expires_on = ?,"
                      " warn_on = ? WHERE client_id = ?",
                      {cd::AddDays(today, 10), cd::AddDays(today, -20), ann_}));
  needs = cd::ClientNeeds(*services_, *client, today);
  ASSERT_OK(needs);
  ASSERT_EQ(needs->size(), 1u);
  EXPECT_EQ((*needs)[0].state, "expiring");
  EXPECT_EQ((*needs)[0].expires_on, cd::AddDays(today, 10));
  needs = cd::ClientNeeds(*services_, *client, cd::AddDays(today, 11));
  ASSERT_OK(needs);
  ASSERT_EQ(needs->size(), 1u);
  EXPECT_EQ((*needs)[0].state, "expired");
}

TEST_F(RemindersTest, SettingsFormAndProfileTabPauseButton) {
  const crm::SettingsPage& page = registry_.settings_pages().at("client-documents");
  FakeRequest form;
  form.caller = AdminPrincipal({"documents.read", "documents.write", "documents.settings"});
  form.method = "POST";
  form.form = {{"_csrf", "csrf-admin"},
               {"reminders_enabled", "1"},
               {"reminders_first_after_days", "4"},
               {"reminders_every_days", "6"},
               {"reminders_max", "3"}};
  ASSERT_OK(page.save(form));
  auto settings = services_->settings().Get();
  ASSERT_OK(settings);
  EXPECT_TRUE(settings->reminders.enabled);
  EXPECT_EQ(settings->reminders.first_after_days, 4);
  EXPECT_EQ(settings->reminders.every_days, 6);
  EXPECT_EQ(settings->reminders.max, 3);
  auto html = page.render(form);
  ASSERT_OK(html);
  EXPECT_NE(html->find("name=\"reminders_every_days\" value=\"6\""), std::string::npos) << *html;
  form.form = {{"_csrf", "csrf-admin"},
               {"reminders_every_days", "0"},
               {"reminders_max", "3"},
               {"reminders_first_after_days", "1"}};
  EXPECT_EQ(page.save(form).code(), crm::StatusCode::kUnprocessable);
  form.form = {{"_csrf", "csrf-admin"},
               {"reminders_every_days", "x"},
               {"reminders_max", "3"},
               {"reminders_first_after_days", "1"}};
  EXPECT_EQ(page.save(form).code(), crm::StatusCode::kUnprocessable);
  EXPECT_EQ(services_->settings().Get()->reminders.every_days, 6);  // nothing saved

  FakeRequest pause;
  pause.caller = form.caller;
  pause.form = {{"_csrf", "csrf-admin"}, {"paused", "1"}};
  FakeResponse response;
  ASSERT_OK(Call("POST",
                 "/admin/plugins/client-documents/clients/" + std::to_string(ann_) + "/reminders",
                 pause, response));
  EXPECT_NE(response.redirect.find("flash=reminders_paused"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM cd_reminder_pauses"), 1);
  auto client = host_.FindClient(ann_);
  ASSERT_OK(client);
  FakeRequest tab;
  tab.caller = form.caller;
  tab.caller.language = "fr";
  auto rendered = registry_.profile_tabs().at(0).hook.render(*client, tab);
  ASSERT_OK(rendered);
  EXPECT_NE(rendered->find("data-cd-reminders=\"paused\""), std::string::npos) << *rendered;
  EXPECT_NE(rendered->find("Reprendre les relances"), std::string::npos) << *rendered;
}

}  // namespace
}  // namespace cd_test
