// tests/app/auth_fixture.h — the fixture of the login tests: a migrated database, a registry with a
// plugin's permissions and the host's translations, an Auth whose mails are recorded, a fixed
// clock.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample-host/app/auth.h"
#include "sample-host/app/client_store.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/web/translations.h"
#include "tests/app/test_db.h"
#include "tests/support/status_matchers.h"

namespace host {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StagingRegistrar plugin("client-documents");
    ASSERT_OK(plugin.DeclarePermission({"documents.read", "k"}));
    ASSERT_OK(plugin.DeclarePermission({"documents.write", "k"}));
    ASSERT_OK(registry_.Commit(plugin.Take()));
    // The mails' texts are the host's translations.
    StagingRegistrar host("host");
    ASSERT_OK(web::RegisterHostTranslations(host));
    ASSERT_OK(registry_.Commit(host.Take()));
  }
  testing::TestDb tdb_;
  HookRegistry registry_;
  int64_t now_ = 1700000000;
  std::vector<crm::MailMessage> mails_;
  Auth auth_{tdb_.db(), registry_, [this] { return now_; },
             [this](const crm::MailMessage& m) {
               mails_.push_back(m);
               return crm::Status::Ok();
             },
             "http://crm.test"};
  ClientStore clients_{tdb_.db(), registry_, [this] { return now_; }};
};

}  // namespace host
