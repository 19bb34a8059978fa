// tests/hooks/entry_test.cc — the entry registers every hook, route, permission, scope,
// migration and translation without error, and the catalogs are complete in en/fr/nl.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "hooks/context.h"
#include "hooks/texts.h"
#include "plugin/embedded.h"
#include "sample-host/core/logger.h"
#include "sample-host/core/scheduler.h"
#include "tests/hooks/test_host.h"
#include "tests/support/status_matchers.h"

namespace cd_test {
namespace {

using EntryTest = ModuleTest;

// The host's scheduler over the module's jobs, with one clock for it and for the host's NowUnix.
class JobClock {
 public:
  JobClock(host::HookRegistry& registry, TestHost& host)
      : host_(host), scheduler_(registry, log_, [this] { return now_; }) {}
  // Moves both clocks on by `seconds` and runs the jobs that are due.
  void Advance(int64_t seconds) {
    now_ += std::chrono::seconds(seconds);
    host_.now_ += seconds;
    scheduler_.RunDue();
  }

 private:
  TestHost& host_;
  host::Logger log_{nullptr, /*to_stderr=*/false};
  host::Scheduler::TimePoint now_{};
  host::Scheduler scheduler_;
};

TEST_F(EntryTest, RegistersEveryHookKind) {
  ASSERT_EQ(staged_.columns.size(), 1u);
  EXPECT_EQ(staged_.columns[0].id, "status");
  EXPECT_EQ(staged_.filter_sources.size(), 1u);
  EXPECT_EQ(staged_.summary_boxes.size(), 1u);
  ASSERT_EQ(staged_.profile_tabs.size(), 4u);
  EXPECT_EQ(staged_.profile_tabs[0].id, "documents");
  EXPECT_EQ(staged_.profile_tabs[1].id, "journal");
  EXPECT_EQ(staged_.profile_tabs[2].id, "links");  // signed links (PT1, PT2)
  EXPECT_EQ(staged_.profile_tabs[3].id, "portal");
  EXPECT_EQ(staged_.deletion_hooks.size(), 1u);
  // The reserved area's "My documents", the admin's journal and review queue, the admin's
  // attestation templates and the reserved area's "Attestations" (issue 13), the reserved
  // area's "Shared with me" (issue 12).
  ASSERT_EQ(staged_.menu_filters.size(), 6u);
  EXPECT_EQ(staged_.menu_filters[0].area, crm::MenuArea::kAccount);
  EXPECT_EQ(staged_.menu_filters[1].area, crm::MenuArea::kAdmin);
  EXPECT_EQ(staged_.menu_filters[2].area, crm::MenuArea::kAdmin);
  EXPECT_EQ(staged_.menu_filters[3].area, crm::MenuArea::kAdmin);
  EXPECT_EQ(staged_.menu_filters[4].area, crm::MenuArea::kAccount);
  EXPECT_EQ(staged_.menu_filters[5].area, crm::MenuArea::kAccount);
  EXPECT_EQ(staged_.gates.size(), 1u);
  EXPECT_TRUE(staged_.settings_page.has_value());
  EXPECT_FALSE(staged_.migrations.empty());
  // The scrub, the PDF worker's warm start (attestations, issue 13), the comment mails (PT3),
  // the reminders (PT6), the retention purge (PT7), the sweep of expired resumable uploads (X2)
  // and the documents' expiry stages (issue 10, schema 16).
  std::set<std::string> job_ids;
  for (const auto& job : staged_.jobs) job_ids.insert(job.id);
  EXPECT_EQ(staged_.jobs.size(), job_ids.size());
  EXPECT_EQ(job_ids,
            (std::set<std::string>{"scrub", "pdf-worker-warm", "comment-mails", "reminders",
                                   "retention", "upload-sweep", "expiry-stages"}));
}

// Issue 15.6: what a crash left goes at start-up, not a day later: the host's scheduler runs
// the scrub at once (AddScheduledJobRunAtStart), then once an hour.
TEST_F(EntryTest, ScrubRunsAtStartThenHourly) {
  namespace fs = std::filesystem;
  const fs::path tmp = host_.DataDir() / "tmp";
  auto stale_temp = [&](const std::string& name) {
    fs::create_directories(tmp);
    std::ofstream(tmp / name) << "partial upload";
    fs::last_write_time(tmp / name, fs::file_time_type::clock::now() - std::chrono::hours(2));
    return tmp / name;
  };
  const fs::path crashed = stale_temp("crashed.part");
  JobClock clock(registry_, host_);
  auto advance = [&](int64_t seconds) { clock.Advance(seconds); };

  advance(0);
  EXPECT_FALSE(fs::exists(crashed)) << "the first run, at start-up, scrubs";
  const fs::path later = stale_temp("later.part");
  advance(1800);
  EXPECT_TRUE(fs::exists(later)) << "half an hour after a scrub, none is due";
  advance(1801);
  EXPECT_FALSE(fs::exists(later)) << "an hour after a scrub, the next one ran";
}

// Issue 10, schema 16: the expiry stages are for the host's today from start-up on, and follow
// the day within the job's minute.
TEST_F(EntryTest, ExpiryStagesFollowTheHostsDay) {
  JobClock clock(registry_, host_);
  auto advance = [&](int64_t seconds) { clock.Advance(seconds); };
  auto stored_day = [&] {
    auto row = host_.Db().QueryOne("SELECT day FROM cd_expiry_stage_day WHERE id = 1");
    EXPECT_OK(row);
    return row.ok() && row->has_value() ? (*row)->Text(0) : std::string();
  };
  host_.now_ = 1767225540;  // 2025-12-31 23:59:00 UTC
  advance(0);
  EXPECT_EQ(stored_day(), "2025-12-31") << "the first run, at start-up";
  advance(61);
  EXPECT_EQ(stored_day(), "2026-01-01") << "a minute after midnight";
}

TEST_F(EntryTest, DeclaresPermissionsAndScopes) {
  std::set<std::string> permissions, scopes;
  for (const auto& p : staged_.permissions) permissions.insert(p.id);
  for (const auto& s : staged_.scopes) scopes.insert(s.id);
  EXPECT_EQ(permissions,
            (std::set<std::string>{"documents.read", "documents.write", "documents.settings"}));
  EXPECT_EQ(scopes, (std::set<std::string>{"documents:read", "documents:write", "settings:write"}));
}

TEST_F(EntryTest, RegistersThePagesAndTheApi) {
  const std::pair<const char*, const char*> expected[] = {
      {"GET", "/account/documents"},
      {"POST", "/account/documents/3"},
      {"GET", "/account/documents/3/files/9"},
      {"GET", "/account/documents/thumbnails/9"},
      {"POST", "/admin/plugins/client-documents/clients/1/documents/3"},
      {"POST", "/admin/plugins/client-documents/clients/1/documents/3/fields"},
      {"POST", "/admin/plugins/client-documents/clients/1/documents/3/delete"},
      {"GET", "/admin/plugins/client-documents/clients/1/documents/3/files/9"},
      {"GET", "/admin/plugins/client-documents/clients/1/archive/files/9"},
      {"GET", "/admin/plugins/client-documents/types/new"},
      {"POST", "/admin/plugins/client-documents/types"},
      {"POST", "/admin/plugins/client-documents/types/3/move"},
      {"GET", "/assets/plugins/client-documents/documents.js"},
      {"GET", "/api/v1/plugins/client-documents/types"},
  };
  for (const auto& [method, path] : expected) {
    EXPECT_TRUE(registry_.MatchRoute(method, path).has_value()) << method << " " << path;
  }
}

TEST_F(EntryTest, AdminRoutesRequireTheirPermission) {
  auto read =
      registry_.MatchRoute("GET", "/admin/plugins/client-documents/clients/1/documents/3/files/9");
  ASSERT_TRUE(read);
  EXPECT_EQ(read->route->hook.audience.kind, crm::Audience::Kind::kAdmin);
  EXPECT_EQ(read->route->hook.audience.permission, "documents.read");
  auto write =
      registry_.MatchRoute("POST", "/admin/plugins/client-documents/clients/1/documents/3/delete");
  ASSERT_TRUE(write);
  EXPECT_EQ(write->route->hook.audience.permission, "documents.write");
  auto types = registry_.MatchRoute("POST", "/admin/plugins/client-documents/types");
  ASSERT_TRUE(types);
  EXPECT_EQ(types->route->hook.audience.permission, "documents.settings");
  auto upload = registry_.MatchRoute("POST", "/account/documents/3");
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->route->hook.audience.kind, crm::Audience::Kind::kClient);
}

TEST_F(EntryTest, TranslationsAreCompleteInEnglishFrenchAndDutch) {
  EXPECT_EQ(registry_.MissingTranslations(), std::vector<std::string>{});
  auto fragments = cd::EmbeddedFragments();
  std::map<std::string, std::string, std::less<>> by_path(fragments.begin(), fragments.end());
  auto texts = cd::hooks::Texts::Load(by_path);
  ASSERT_OK(texts);
  EXPECT_EQ(texts->Missing(), std::vector<std::string>{});
  size_t en = staged_.translations["en"].size();
  EXPECT_GT(en, 50u);
  EXPECT_EQ(staged_.translations["fr"].size(), en);
  EXPECT_EQ(staged_.translations["nl"].size(), en);
  // Written French and Dutch, not English left in place.
  EXPECT_EQ(registry_.Translate("fr", "client-documents.menu.my_documents"), "Mes documents");
  EXPECT_EQ(registry_.Translate("nl", "client-documents.menu.my_documents"), "Mijn documenten");
  EXPECT_EQ(registry_.Translate("fr", "client-documents.status.uploaded_on"), "Envoyé le {date}");
  EXPECT_EQ(registry_.Translate("nl", "client-documents.status.uploaded_on"), "Geüpload op {date}");
  // Every key a registration names exists.
  for (const auto& p : staged_.permissions) {
    EXPECT_NE(registry_.Translate("nl", p.label_key), p.label_key) << p.label_key;
  }
  EXPECT_NE(registry_.Translate("fr", staged_.columns[0].label_key), staged_.columns[0].label_key);
  EXPECT_NE(registry_.Translate("fr", staged_.profile_tabs[0].title_key),
            staged_.profile_tabs[0].title_key);
}

TEST_F(EntryTest, EveryTemplateKeyExists) {
  // {{t.group.name}} in a template that is not in the catalog renders as nothing; find
  // those by scanning the templates for t.* tags.
  auto fragments = cd::EmbeddedFragments();
  std::set<std::string> keys;
  for (const auto& [key, text] : staged_.translations["en"]) keys.insert(key);
  int checked = 0;
  for (const auto& [path, content] : fragments) {
    if (path.rfind("templates/", 0) != 0) continue;
    size_t pos = 0;
    while ((pos = content.find("{{t.", pos)) != std::string::npos) {
      size_t end = content.find("}}", pos);
      ASSERT_NE(end, std::string::npos);
      std::string key = "client-documents." + content.substr(pos + 4, end - pos - 4);
      EXPECT_TRUE(keys.count(key)) << path << ": " << key;
      ++checked;
      pos = end;
    }
  }
  EXPECT_GT(checked, 20);
}

TEST_F(EntryTest, ServesItsAssetsAndNothingElse) {
  FakeRequest request;
  FakeResponse response;
  crm::Status s = Call("GET", "/assets/plugins/client-documents/documents.css", request, response);
  ASSERT_OK(s);
  EXPECT_EQ(response.content_type, "text/css; charset=utf-8");
  EXPECT_NE(response.body.find(".cd-document"), std::string::npos);

  FakeRequest bad;
  FakeResponse bad_response;
  bad.path_params["file"] = "../i18n/en.json";
  auto match = registry_.MatchRoute("GET", "/assets/plugins/client-documents/x.js");
  ASSERT_TRUE(match);
  EXPECT_EQ(match->route->hook.handler(bad, bad_response).code(), crm::StatusCode::kNotFound);
  EXPECT_FALSE(bad_response.Started());
}

}  // namespace
}  // namespace cd_test
