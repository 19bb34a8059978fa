// tests/app/account_security_test.cc — forgot password and one's own password/email change (issue
// 14, SPEC H17): single-use, expiring, hashed tokens; the same answer for an unknown email; the
// rate limit; sessions ended; the new email only after its link; the client's history.
#include "sample-host/app/account_security.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "sample-host/app/timeline_store.h"
#include "tests/app/auth_fixture.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

class AccountSecurityTest : public AuthTest {
 protected:
  void SetUp() override {
    AuthTest::SetUp();
    Client c;
    c.first_name = "Élise";
    c.last_name = "Roux";
    c.email = "elise@example.com";
    c.language = "fr";
    c.login_enabled = true;
    auto created = clients_.Create(c);
    ASSERT_OK(created);
    client_ = created->id;
    ASSERT_OK(auth_.SetClientPassword(client_, "old-password-1"));
    ASSERT_OK(auth_.SetEmailConfirmed(client_, true));
    auto admin = auth_.CreateAdmin("boss@example.com", "Boss", "admin-password-1", "nl");
    ASSERT_OK(admin);
    admin_ = admin->id;
  }

  // The token of the last mail's link ("…?token=HEX").
  std::string LastToken() {
    if (mails_.empty()) return "";
    std::smatch m;
    static const std::regex re("token=([0-9a-f]{64})");
    return std::regex_search(mails_.back().text_body, m, re) ? std::string(m[1]) : "";
  }
  int64_t Count(const std::string& sql, crm::SqlParams params = {}) {
    auto row = tdb_.db().QueryOne(sql, params);
    return row.ok() && row->has_value() ? (*row)->Int(0) : -1;
  }
  std::vector<std::string> HistoryTypes() {
    TimelineStore timeline(tdb_.db(), [this] { return now_; });
    auto types = timeline.Types(client_);
    return types.ok() ? *types : std::vector<std::string>{};
  }

  AccountSecurity& security() { return auth_.security(); }
  int64_t client_ = 0, admin_ = 0;
};

TEST_F(AccountSecurityTest, ResetLinkIsSingleUseAndEndsTheSessions) {
  auto session = auth_.LoginClient("elise@example.com", "old-password-1", "10.0.0.1");
  ASSERT_OK(session);
  ASSERT_OK(
      security().RequestPasswordReset(AccountKind::kClient, " Elise@Example.com ", "1.2.3.4"));
  ASSERT_EQ(mails_.size(), 1u);
  EXPECT_EQ(mails_[0].to, "elise@example.com");
  EXPECT_NE(mails_[0].subject.find("mot de passe"), std::string::npos);  // the client's language
  EXPECT_NE(mails_[0].text_body.find("http://crm.test/account/password/reset?token="),
            std::string::npos);
  std::string token = LastToken();
  ASSERT_EQ(token.size(), 64u);
  // Stored hashed only.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM account_tokens WHERE token_hash = ?", {token}), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM account_tokens"), 1);
  // Looking at the link changes nothing; an admin page cannot use a client's link.
  EXPECT_TRUE(*security().ResetTokenValid(AccountKind::kClient, token));
  EXPECT_TRUE(*security().ResetTokenValid(AccountKind::kClient, token));
  EXPECT_FALSE(*security().ResetTokenValid(AccountKind::kAdmin, token));
  EXPECT_EQ(security().ResetPassword(AccountKind::kAdmin, token, "new-password-1").status().code(),
            crm::StatusCode::kNotFound);
  // A refused password keeps the link good.
  EXPECT_EQ(security().ResetPassword(AccountKind::kClient, token, "short").status().code(),
            crm::StatusCode::kInvalidArgument);
  auto reset = security().ResetPassword(AccountKind::kClient, token, "new-password-1");
  ASSERT_OK(reset);
  EXPECT_EQ(*reset, client_);
  EXPECT_FALSE(auth_.SessionPrincipal(session->id).has_value());
  EXPECT_EQ(auth_.LoginClient("elise@example.com", "old-password-1", "").status().code(),
            crm::StatusCode::kUnauthenticated);
  EXPECT_OK(auth_.LoginClient("elise@example.com", "new-password-1", ""));
  // Single use.
  EXPECT_FALSE(*security().ResetTokenValid(AccountKind::kClient, token));
  EXPECT_EQ(
      security().ResetPassword(AccountKind::kClient, token, "other-password-2").status().code(),
      crm::StatusCode::kNotFound);
  EXPECT_OK(auth_.LoginClient("elise@example.com", "new-password-1", ""));
  auto types = HistoryTypes();
  EXPECT_NE(std::find(types.begin(), types.end(), "host.password_reset"), types.end());
}

TEST_F(AccountSecurityTest, UnknownEmailGetsTheSameAnswerAndNothing) {
  EXPECT_OK(security().RequestPasswordReset(AccountKind::kClient, "nobody@example.com", "1.2.3.4"));
  EXPECT_OK(security().RequestPasswordReset(AccountKind::kClient, "not an email", "1.2.3.4"));
  // An admin's address on the client side is unknown there.
  EXPECT_OK(security().RequestPasswordReset(AccountKind::kClient, "boss@example.com", "1.2.3.4"));
  EXPECT_TRUE(mails_.empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM account_tokens"), 0);
  // A disabled login is unknown too.
  ASSERT_OK(clients_.SetLoginEnabled(client_, false));
  EXPECT_OK(security().RequestPasswordReset(AccountKind::kClient, "elise@example.com", "1.2.3.4"));
  EXPECT_TRUE(mails_.empty());
}

TEST_F(AccountSecurityTest, LinkExpiresAfterAnHourAndANewerOneReplacesIt) {
  ASSERT_OK(security().RequestPasswordReset(AccountKind::kAdmin, "boss@example.com", ""));
  std::string first = LastToken();
  EXPECT_NE(mails_.back().text_body.find("http://crm.test/admin/password/reset?token="),
            std::string::npos);
  EXPECT_EQ(mails_.back().subject, "Kies een nieuw wachtwoord");  // the admin's language
  ASSERT_OK(security().RequestPasswordReset(AccountKind::kAdmin, "boss@example.com", ""));
  std::string second = LastToken();
  EXPECT_FALSE(*security().ResetTokenValid(AccountKind::kAdmin, first));
  EXPECT_TRUE(*security().ResetTokenValid(AccountKind::kAdmin, second));
  now_ += kPasswordResetLifetimeSeconds - 1;
  EXPECT_TRUE(*security().ResetTokenValid(AccountKind::kAdmin, second));
  now_ += 1;
  EXPECT_FALSE(*security().ResetTokenValid(AccountKind::kAdmin, second));
  EXPECT_EQ(security().ResetPassword(AccountKind::kAdmin, second, "new-password-1").status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_OK(auth_.LoginAdmin("boss@example.com", "admin-password-1", ""));
}

TEST_F(AccountSecurityTest, RequestsAreRateLimitedWhateverTheEmail) {
  for (const char* email : {"elise@example.com", "nobody@example.com"}) {
    crm::Status last;
    int accepted = 0;
    for (int i = 0; i < kMaxFailedLogins + 2; ++i) {
      last = security().RequestPasswordReset(AccountKind::kClient, email, "9.9.9.9");
      if (last.ok()) ++accepted;
    }
    EXPECT_EQ(accepted, kMaxFailedLogins) << email;
    EXPECT_EQ(last.code(), crm::StatusCode::kUnavailable) << email;
  }
  EXPECT_EQ(mails_.size(), static_cast<size_t>(kMaxFailedLogins));
}

TEST_F(AccountSecurityTest, OwnPasswordChangeNeedsTheCurrentOne) {
  auto session = auth_.LoginClient("elise@example.com", "old-password-1", "");
  ASSERT_OK(session);
  EXPECT_EQ(
      security()
          .ChangePassword(AccountKind::kClient, client_, "wrong-password", "new-password-1", "")
          .code(),
      crm::StatusCode::kUnauthenticated);
  EXPECT_TRUE(auth_.SessionPrincipal(session->id).has_value());
  EXPECT_EQ(security()
                .ChangePassword(AccountKind::kClient, client_, "old-password-1", "short", "")
                .code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_OK(auth_.LoginClient("elise@example.com", "old-password-1", ""));
  ASSERT_OK(security().ChangePassword(AccountKind::kClient, client_, "old-password-1",
                                      "new-password-1", ""));
  EXPECT_FALSE(auth_.SessionPrincipal(session->id).has_value());
  EXPECT_OK(auth_.LoginClient("elise@example.com", "new-password-1", ""));
  auto types = HistoryTypes();
  EXPECT_NE(std::find(types.begin(), types.end(), "host.password_changed"), types.end());
  // The admin's own.
  ASSERT_OK(security().ChangePassword(AccountKind::kAdmin, admin_, "admin-password-1",
                                      "admin-password-2", ""));
  EXPECT_OK(auth_.LoginAdmin("boss@example.com", "admin-password-2", ""));
}

TEST_F(AccountSecurityTest, NewEmailTakesEffectOnlyThroughItsLink) {
  EXPECT_EQ(security()
                .RequestEmailChange(AccountKind::kClient, client_, "wrong-password",
                                    "new@example.com", "")
                .code(),
            crm::StatusCode::kUnauthenticated);
  EXPECT_EQ(security()
                .RequestEmailChange(AccountKind::kClient, client_, "old-password-1", "nope", "")
                .code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_TRUE(mails_.empty());
  ASSERT_OK(security().RequestEmailChange(AccountKind::kClient, client_, "old-password-1",
                                          "Elise.New@Example.com", ""));
  ASSERT_EQ(mails_.size(), 1u);
  EXPECT_EQ(mails_[0].to, "elise.new@example.com");  // to the new address
  EXPECT_NE(mails_[0].text_body.find("/account/email/confirm?token="), std::string::npos);
  std::string token = LastToken();
  EXPECT_EQ(clients_.Get(client_)->email, "elise@example.com");  // not yet
  EXPECT_TRUE(*security().EmailChangeTokenValid(AccountKind::kClient, token));
  EXPECT_FALSE(*security().ResetTokenValid(AccountKind::kClient, token));  // another purpose
  auto confirmed = security().ConfirmEmailChange(AccountKind::kClient, token);
  ASSERT_OK(confirmed);
  EXPECT_EQ(clients_.Get(client_)->email, "elise.new@example.com");
  EXPECT_EQ(security().ConfirmEmailChange(AccountKind::kClient, token).status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_OK(auth_.LoginClient("elise.new@example.com", "old-password-1", ""));
  auto types = HistoryTypes();
  EXPECT_NE(std::find(types.begin(), types.end(), "host.email_changed"), types.end());
}

TEST_F(AccountSecurityTest, AnEmailOfAnotherLoginIsRefused) {
  Client other;
  other.last_name = "Autre";
  other.email = "autre@example.com";
  ASSERT_OK(clients_.Create(other));
  EXPECT_EQ(security()
                .RequestEmailChange(AccountKind::kClient, client_, "old-password-1",
                                    "AUTRE@example.com", "")
                .code(),
            crm::StatusCode::kConflict);
  auto admin2 = auth_.CreateAdmin("second@example.com", "Second", "admin-password-9");
  ASSERT_OK(admin2);
  EXPECT_EQ(security()
                .RequestEmailChange(AccountKind::kAdmin, admin_, "admin-password-1",
                                    "second@example.com", "")
                .code(),
            crm::StatusCode::kConflict);
  EXPECT_TRUE(mails_.empty());
}

TEST_F(AccountSecurityTest, DeletingTheClientForgetsItsLinks) {
  ASSERT_OK(security().RequestPasswordReset(AccountKind::kClient, "elise@example.com", ""));
  std::string token = LastToken();
  ASSERT_EQ(Count("SELECT COUNT(*) FROM account_tokens WHERE user_id = ?", {client_}), 1);
  ASSERT_OK(clients_.Delete(client_));
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM account_tokens WHERE kind = 'client' AND user_id = ?", {client_}),
      0);
  EXPECT_FALSE(*security().ResetTokenValid(AccountKind::kClient, token));
}

}  // namespace
}  // namespace host
