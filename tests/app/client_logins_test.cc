// tests/app/client_logins_test.cc — client passwords, generated and mailed, and email confirmation
// (SPEC H3).
#include "sample-host/app/client_logins.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample-host/app/client_store.h"
#include "sample-host/app/seed_demo.h"
#include "tests/app/auth_fixture.h"
#include "tests/support/status_matchers.h"

namespace host {
namespace {

TEST_F(AuthTest, ClientLoginPasswordsAndEmailConfirmation) {
  Client c;
  c.first_name = "Marie";
  c.last_name = "Dupont";
  c.email = "marie@example.com";
  c.language = "fr";
  auto created = clients_.Create(c);
  ASSERT_OK(created);
  int64_t id = created->id;

  // No password, login off: refused.
  EXPECT_EQ(auth_.LoginClient("marie@example.com", "whatever1", "").status().code(),
            crm::StatusCode::kUnauthenticated);
  auto generated = auth_.GenerateClientPassword(id);
  ASSERT_OK(generated) << generated.status().ToString();
  // The password, then (the email being unconfirmed) the confirmation link.
  ASSERT_EQ(mails_.size(), 2u);
  EXPECT_EQ(mails_[0].to, "marie@example.com");
  EXPECT_NE(mails_[0].text_body.find(*generated), std::string::npos);
  EXPECT_NE(mails_[0].subject.find("mot de passe"), std::string::npos);  // in the client's language
  EXPECT_EQ(mails_[1].to, "marie@example.com");
  EXPECT_NE(mails_[1].text_body.find("/account/confirm?token="), std::string::npos);
  // Password right but login disabled.
  EXPECT_EQ(auth_.LoginClient("marie@example.com", *generated, "").status().code(),
            crm::StatusCode::kPermissionDenied);
  ASSERT_OK(clients_.SetLoginEnabled(id, true));
  // Enabled, right password, but the email is not confirmed: refused, and said so.
  auto unconfirmed = auth_.LoginClient("marie@example.com", *generated, "");
  EXPECT_EQ(unconfirmed.status().code(), crm::StatusCode::kConflict);
  EXPECT_NE(unconfirmed.status().message().find("not confirmed"), std::string::npos);
  // A wrong password does not tell that the email is unconfirmed.
  EXPECT_EQ(auth_.LoginClient("marie@example.com", "wrong-password", "").status().code(),
            crm::StatusCode::kUnauthenticated);
  ASSERT_OK(auth_.SetEmailConfirmed(id, true));
  EXPECT_TRUE(clients_.Get(id)->email_confirmed);
  EXPECT_EQ(auth_.SetEmailConfirmed(id + 1000, true).code(), crm::StatusCode::kNotFound);
  auto s = auth_.LoginClient("Marie@Example.com", *generated, "");
  ASSERT_OK(s) << s.status().ToString();
  auto p = auth_.SessionPrincipal(s->id);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->IsClient());
  EXPECT_EQ(p->client_id, id);
  EXPECT_EQ(p->language, "fr");
  // Disabling the login ends the session.
  ASSERT_OK(clients_.SetLoginEnabled(id, false));
  EXPECT_FALSE(auth_.SessionPrincipal(s->id).has_value());

  ASSERT_OK(auth_.SetEmailConfirmed(id, false));
  ASSERT_OK(auth_.SendEmailConfirmation(id));
  ASSERT_EQ(mails_.size(), 3u);
  const std::string& body = mails_[2].text_body;
  size_t at = body.find("token=");
  ASSERT_NE(at, std::string::npos);
  std::string token = body.substr(at + 6, 64);
  EXPECT_NE(body.find("http://crm.test/account/confirm?token="), std::string::npos);
  EXPECT_FALSE(clients_.Get(id)->email_confirmed);
  auto confirmed = auth_.ConfirmEmail(token);
  ASSERT_OK(confirmed);
  EXPECT_EQ(*confirmed, id);
  EXPECT_TRUE(clients_.Get(id)->email_confirmed);
  // Confirmed: a new generated password comes alone.
  ASSERT_OK(auth_.GenerateClientPassword(id));
  EXPECT_EQ(mails_.size(), 4u);
  EXPECT_EQ(auth_.ConfirmEmail(token).status().code(), crm::StatusCode::kNotFound);  // single use
  EXPECT_EQ(auth_.ConfirmEmail("x").status().code(), crm::StatusCode::kNotFound);
}

// The credentials the demo prints must work: its client logins are confirmed.
TEST_F(AuthTest, DemoClientLoginsWork) {
  auto demo = SeedDemo(tdb_.db(), clients_, auth_, 5);
  ASSERT_OK(demo) << demo.status().ToString();
  ASSERT_EQ(demo->client_logins.size(), 3u);
  for (const auto& [email, password] : demo->client_logins) {
    auto s = auth_.LoginClient(email, password, "127.0.0.1");
    EXPECT_OK(s) << email << ": " << s.status().ToString();
  }
  EXPECT_OK(auth_.LoginAdmin(demo->admin_email, demo->admin_password, "127.0.0.1"));
}

TEST_F(AuthTest, DisabledWinsOverUnconfirmed) {
  Client c;
  c.first_name = "Jan";
  c.email = "jan@example.com";
  auto created = clients_.Create(c);
  ASSERT_OK(created);
  ASSERT_OK(auth_.SetClientPassword(created->id, "password-jan"));
  EXPECT_EQ(auth_.LoginClient("jan@example.com", "password-jan", "").status().code(),
            crm::StatusCode::kPermissionDenied);
}

TEST_F(AuthTest, ResendConfirmationTellsNothingAndIsRateLimited) {
  Client c;
  c.first_name = "Anna";
  c.email = "anna@example.com";
  c.language = "nl";
  auto created = clients_.Create(c);
  ASSERT_OK(created);
  int64_t id = created->id;

  // Unknown email, login not enabled: Ok, and no mail.
  EXPECT_OK(auth_.ResendEmailConfirmation("ghost@example.com", "1.1.1.1"));
  EXPECT_OK(auth_.ResendEmailConfirmation("anna@example.com", "1.1.1.1"));
  EXPECT_OK(auth_.ResendEmailConfirmation("not an email", "1.1.1.1"));
  EXPECT_TRUE(mails_.empty());

  // Enabled and unconfirmed: a new link in the client's language.
  ASSERT_OK(clients_.SetLoginEnabled(id, true));
  ASSERT_OK(auth_.ResendEmailConfirmation(" Anna@Example.com ", "1.1.1.2"));
  ASSERT_EQ(mails_.size(), 1u);
  EXPECT_EQ(mails_[0].to, "anna@example.com");
  EXPECT_EQ(mails_[0].subject, "Bevestig uw e-mailadres");
  size_t at = mails_[0].text_body.find("token=");
  ASSERT_NE(at, std::string::npos);
  ASSERT_OK(auth_.ConfirmEmail(mails_[0].text_body.substr(at + 6, 64)));

  // Confirmed: nothing more is sent.
  EXPECT_OK(auth_.ResendEmailConfirmation("anna@example.com", "1.1.1.3"));
  EXPECT_EQ(mails_.size(), 1u);

  // Counted like failed logins: per email and address...
  for (int i = 0; i < kMaxFailedLogins; ++i) {
    EXPECT_OK(auth_.ResendEmailConfirmation("ghost@example.com", "2.2.2.2")) << i;
  }
  EXPECT_EQ(auth_.ResendEmailConfirmation("ghost@example.com", "2.2.2.2").code(),
            crm::StatusCode::kUnavailable);
  // ...in their own bucket (the login of that email is not locked by it)...
  ASSERT_OK(auth_.CreateAdmin("ghost@example.com", "Ghost", "password-g"));
  EXPECT_OK(auth_.LoginAdmin("ghost@example.com", "password-g", "2.2.2.2"));
  // ...and in the address's overall count.
  for (int i = 0; i < kMaxFailedLoginsPerIp; ++i) {
    (void)auth_.ResendEmailConfirmation("x" + std::to_string(i) + "@example.com", "3.3.3.3");
  }
  EXPECT_EQ(auth_.LoginAdmin("ghost@example.com", "password-g", "3.3.3.3").status().code(),
            crm::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace host
