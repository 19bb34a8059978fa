// tests/core/plugin_loader_test.cc — the plugin manager against deliberately bad plugins: each gets
// the right state and a clear message, the host survives, and nothing of a refused plugin is
// registered.
#include "sample-host/core/plugin_loader.h"

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "host-api/version.h"
#include "sample-host/core/clock.h"
#include "sample-host/core/host_services.h"
#include "sample-host/core/local_object_store.h"
#include "sample-host/core/logger.h"
#include "sample-host/core/mailer.h"
#include "sample-host/core/migrator.h"
#include "sample-host/core/sqlite_database.h"
#include "tests/core/temp_dir.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using State = PluginState::State;

const fs::path kPlugins = CRM_TEST_PLUGIN_DIR;
const fs::path kMarkers = CRM_TEST_MARKER_DIR;

// A host with its own database, registry and services, as sample-host wires them.
class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::Open(dir_.path() / "crm.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db.value());
    manager_ = MakeManager(registry_);
  }

  std::unique_ptr<PluginManager> MakeManager(HookRegistry& registry) {
    HostServicesFactory factory =
        [this, &registry](const std::string& id) -> std::unique_ptr<crm::HostServices> {
      return std::make_unique<PluginHostServices>(*db_, registry, dir_.path(), id, mailer_, clock_,
                                                  logger_, "http://127.0.0.1:8080");
    };
    return std::make_unique<PluginManager>(*db_, registry, factory, logger_);
  }

  PluginState Load(const std::string& file) { return manager_->LoadFile(kPlugins / file); }

  // Nothing of any plugin is visible in the registry.
  void ExpectRegistryEmpty() {
    EXPECT_TRUE(registry_.columns().empty());
    EXPECT_TRUE(registry_.routes().empty());
    EXPECT_TRUE(registry_.jobs().empty());
    EXPECT_TRUE(registry_.menu_filters().empty());
  }

  size_t LogLinesContaining(const std::string& needle) {
    auto lines = logger_.Recent();
    return static_cast<size_t>(std::count_if(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.find(needle) != std::string::npos;
    }));
  }

  bool TableExists(const std::string& name) {
    auto r = db_->QueryOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {name});
    return r.ok() && r.value().has_value();
  }

  testing::TempDir dir_;
  FixedClock clock_{1795000000};
  Logger logger_{&clock_, /*to_stderr=*/false};
  Mailer mailer_{dir_.path() / "outbox", "CRM <no-reply@example.test>", clock_};
  std::unique_ptr<SqliteDatabase> db_;
  HookRegistry registry_;
  std::unique_ptr<PluginManager> manager_;
};

// True when this process has the library mapped already (its constructors will not run again).
bool AlreadyLoaded(const fs::path& file) {
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle) dlclose(handle);  // drops only the reference RTLD_NOLOAD just took
  return handle != nullptr;
}

TEST_F(LoaderTest, GoodPluginLoadsRegistersAndMigrates) {
  const bool already_loaded = AlreadyLoaded(kPlugins / "test_plugin_good.so");
  std::error_code ec;
  if (!already_loaded) fs::remove(kMarkers / "good.marker", ec);
  PluginState st = Load("test_plugin_good.so");
  ASSERT_EQ(st.state, State::kLoaded) << st.error;
  EXPECT_EQ(st.id, "test-good");
  EXPECT_EQ(st.name, "Good test plugin");
  EXPECT_EQ(st.version, "1.0.0");
  EXPECT_TRUE(st.error.empty());
  ASSERT_EQ(registry_.columns().size(), 1u);
  EXPECT_EQ(registry_.columns()[0].owner, "test-good");
  EXPECT_TRUE(registry_.columns()[0].keep_alive);
  auto m = registry_.MatchRoute("GET", "/api/v1/plugins/test-good/items/5");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->params.at("item_id"), "5");
  EXPECT_EQ(registry_.Translate("fr", "good.status"), "Bon");
  crm::Principal viewer;
  auto menu = registry_.BuildMenu(crm::MenuArea::kAccount, {}, viewer);
  ASSERT_EQ(menu.size(), 1u);
  EXPECT_EQ(menu[0].path, "/account/good");
  EXPECT_TRUE(TableExists("good_items"));
  auto applied =
      db_->QueryOne("SELECT name FROM host_migrations WHERE owner = 'test-good' AND version = 1");
  ASSERT_TRUE(applied.ok() && applied.value());
  EXPECT_EQ(applied.value()->Text(0), "0001_items.sql");
  if (!already_loaded) {
    EXPECT_TRUE(
        fs::exists(kMarkers / "good.marker"));  // positive control: the marker mechanism works
  }
  EXPECT_EQ(LogLinesContaining("INFO plugin test-good: good plugin registering"), 1u);
  EXPECT_EQ(LogLinesContaining("loaded test_plugin_good.so (test-good)"), 1u);
  ASSERT_EQ(manager_->states().size(), 1u);

  // The same id a second time is refused, before loading.
  PluginState dup = Load("test_plugin_good.so");
  EXPECT_EQ(dup.state, State::kRefused);
  EXPECT_NE(dup.error.find("duplicate plugin id test-good"), std::string::npos) << dup.error;
  EXPECT_EQ(registry_.columns().size(), 1u);
}

TEST_F(LoaderTest, WrongMajorIsRefusedBeforeAnyPluginCodeRuns) {
  std::error_code ec;
  fs::remove(kMarkers / "wrong_major.marker", ec);
  PluginState st = Load("test_plugin_wrong_major.so");
  EXPECT_EQ(st.state, State::kRefused);
  EXPECT_EQ(st.id, "test-wrong-major");
  EXPECT_NE(st.error.find("host API major 2 of the plugin differs from the host's 1"),
            std::string::npos)
      << st.error;
  EXPECT_FALSE(fs::exists(kMarkers / "wrong_major.marker"))
      << "the plugin's static constructor ran";
  ExpectRegistryEmpty();
  EXPECT_EQ(LogLinesContaining("WARN plugin-loader: refused test_plugin_wrong_major.so"), 1u);
}

struct RefusedCase {
  const char* file;
  const char* error;
};

TEST_F(LoaderTest, FilesRefusedBeforeLoading) {
  const RefusedCase cases[] = {
      {"test_plugin_newer_minor.so",
       "plugin needs host API 1.99, newer than this host's " CRM_STRINGIFY(
           CRM_HOST_API_MAJOR) "." CRM_STRINGIFY(CRM_HOST_API_MINOR)},
      {"test_plugin_wrong_toolchain.so",
       "toolchain fingerprint differs: plugin \"clang 3.0; libc++ 1; boost 100000; c++201103\", "
       "host \""},
      {"test_plugin_missing_entry.so", "missing entry symbol crm_plugin_entry_v1"},
      {"test_plugin_no_manifest.so", "no plugin manifest (section .crm_manifest)"},
  };
  const char* markers[] = {"newer_minor", "wrong_toolchain", "missing_entry", "no_manifest"};
  for (const char* m : markers) {
    std::error_code ec;
    fs::remove(kMarkers / (std::string(m) + ".marker"), ec);
  }
  for (const auto& c : cases) {
    PluginState st = Load(c.file);
    EXPECT_EQ(st.state, State::kRefused) << c.file;
    EXPECT_NE(st.error.find(c.error), std::string::npos) << c.file << ": " << st.error;
  }
  for (const char* m : markers)
    EXPECT_FALSE(fs::exists(kMarkers / (std::string(m) + ".marker"))) << m << " ran";
  // The toolchain message prints the host's fingerprint too.
  EXPECT_NE(manager_->states()[1].error.find(CRM_TOOLCHAIN_FINGERPRINT), std::string::npos);
  ExpectRegistryEmpty();
  EXPECT_EQ(LogLinesContaining("WARN plugin-loader: refused"), 4u);
}

TEST_F(LoaderTest, TextAndEmptyFilesNamedSoAreRefused) {
  testing::TempDir plugins;
  testing::WriteFile(plugins.path() / "a_text.so", "#!/bin/sh\necho not a library\n");
  testing::WriteFile(plugins.path() / "b_empty.so", "");
  testing::WriteFile(plugins.path() / "c_ignored.txt", "not even considered");
  auto states = manager_->LoadAll(plugins.path());
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[0].file.filename(), "a_text.so");
  EXPECT_EQ(states[0].state, State::kRefused);
  EXPECT_NE(states[0].error.find("not a loadable library: no ELF signature"), std::string::npos)
      << states[0].error;
  EXPECT_EQ(states[1].state, State::kRefused);
  EXPECT_NE(states[1].error.find("not a loadable library: empty file"), std::string::npos)
      << states[1].error;
  // A missing folder is not an error.
  EXPECT_TRUE(manager_->LoadAll(plugins.path() / "nope").empty());
}

TEST_F(LoaderTest, WorldWritablePluginFileIsRefused) {
  testing::TempDir plugins;
  fs::copy_file(kPlugins / "test_plugin_good.so", plugins.path() / "copy.so");
  fs::permissions(plugins.path() / "copy.so", fs::perms::others_write, fs::perm_options::add);
  PluginState st = manager_->LoadFile(plugins.path() / "copy.so");
  EXPECT_EQ(st.state, State::kRefused);
  EXPECT_NE(st.error.find("is writable by any user"), std::string::npos) << st.error;
  fs::permissions(plugins.path() / "copy.so", fs::perms::others_write, fs::perm_options::remove);
  fs::permissions(plugins.path(), fs::perms::others_write, fs::perm_options::add);
  st = manager_->LoadFile(plugins.path() / "copy.so");
  EXPECT_EQ(st.state, State::kRefused);
  EXPECT_NE(st.error.find(plugins.path().string() + " is writable by any user"), std::string::npos)
      << st.error;
  ExpectRegistryEmpty();
}

TEST_F(LoaderTest, MissingTranslationsLoadWithAWarning) {
  PluginState st = Load("test_plugin_translation_gap.so");
  EXPECT_EQ(st.state, State::kLoaded) << st.error;
  EXPECT_EQ(LogLinesContaining(
                "WARN plugin-loader: plugin test-translation-gap lacks translations: nl: gap.help"),
            1u);
  EXPECT_EQ(registry_.Translate("nl", "gap.help"), "Help");
}

struct FailedCase {
  const char* file;
  const char* id;
  const char* error;
};

TEST_F(LoaderTest, PluginsThatFailAfterLoadingLeaveNothingBehind) {
  const FailedCase cases[] = {
      {"test_plugin_entry_throws.so", "test-entry-throws",
       "the plugin entry threw: boom from the entry"},
      {"test_plugin_entry_error.so", "test-entry-error",
       "the plugin entry failed: unprocessable: settings table unreadable: cannot start"},
      {"test_plugin_duplicate_id.so", "test-duplicate-id",
       "a registration was refused: conflict: duplicate list column id twice"},
      {"test_plugin_bad_route.so", "test-bad-route", "outside its namespaces"},
      {"test_plugin_failing_migration.so", "test-failing-migration",
       "migration 0002_broken.sql of test-failing-migration failed and was rolled back"},
  };
  for (const auto& c : cases) {
    PluginState st = Load(c.file);
    EXPECT_EQ(st.state, State::kFailed) << c.file;
    EXPECT_EQ(st.id, c.id);
    EXPECT_NE(st.error.find(c.error), std::string::npos) << c.file << ": " << st.error;
  }
  ExpectRegistryEmpty();
  EXPECT_TRUE(registry_.MatchRoute("POST", "/admin/login") == std::nullopt);
  EXPECT_EQ(LogLinesContaining("ERROR plugin-loader: failed"), 5u);

  // The failing migration: version 1 stays applied, version 2 left nothing.
  EXPECT_TRUE(TableExists("fm_ok"));
  EXPECT_FALSE(TableExists("fm_half"));
  auto versions = db_->QueryOne(
      "SELECT group_concat(version) FROM host_migrations WHERE owner = 'test-failing-migration'");
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions.value()->Text(0), "1");

  // The host goes on: a good plugin still loads after all of them.
  EXPECT_EQ(Load("test_plugin_good.so").state, State::kLoaded);
  EXPECT_EQ(registry_.columns().size(), 1u);
}

TEST_F(LoaderTest, EditedMigrationIsRefusedOnTheNextStart) {
  PluginState v1 = manager_->LoadFile(kPlugins / "edited-v1" / "test_plugin_edited_v1.so");
  ASSERT_EQ(v1.state, State::kLoaded) << v1.error;
  EXPECT_TRUE(TableExists("edited_notes"));

  // "Restart" with the rebuilt plugin: same id and version number, other SQL.
  HookRegistry second_registry;
  auto second = MakeManager(second_registry);
  PluginState v2 = second->LoadFile(kPlugins / "edited-v2" / "test_plugin_edited_v2.so");
  EXPECT_EQ(v2.state, State::kFailed);
  EXPECT_NE(
      v2.error.find(
          "migration 0001_notes.sql of test-edited was edited after it was applied (checksum"),
      std::string::npos)
      << v2.error;
  auto columns = db_->QueryAll("PRAGMA table_info(edited_notes)");
  ASSERT_TRUE(columns.ok());
  EXPECT_EQ(columns.value().size(), 1u);  // v2's extra column never arrived
}

TEST_F(LoaderTest, LoadAllGoesThroughTheWholeFolderInNameOrder) {
  auto states = manager_->LoadAll(kPlugins);
  std::vector<std::string> names;
  for (const auto& s : states) names.push_back(s.file.filename().string());
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  ASSERT_GE(states.size(), 11u);
  int loaded = 0, refused = 0, failed = 0;
  for (const auto& s : states) {
    if (s.state == State::kLoaded) ++loaded;
    if (s.state == State::kRefused) ++refused;
    if (s.state == State::kFailed) ++failed;
    EXPECT_EQ(s.state == State::kLoaded, s.error.empty()) << s.file;
  }
  EXPECT_EQ(loaded, 2);  // test_plugin_good.so and test_plugin_translation_gap.so
  EXPECT_EQ(refused, 5);
  EXPECT_EQ(failed, 5);
  EXPECT_EQ(LogLinesContaining("WARN plugin-loader: refused"), 5u);  // one line per refused file
  EXPECT_EQ(registry_.columns().size(), 1u);
}

TEST_F(LoaderTest, HostServicesGiveThePluginItsFolderClientsAndTimeline) {
  ASSERT_TRUE(
      ApplyMigrations(
          *db_, "host",
          {{1, "0001_clients.sql",
            "CREATE TABLE clients (id INTEGER PRIMARY KEY, first_name TEXT, last_name TEXT,"
            " email TEXT, company TEXT, language TEXT, login_enabled INTEGER, street TEXT,"
            " postal_code TEXT, city TEXT, country TEXT);"
            "CREATE TABLE timeline (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL"
            " REFERENCES clients(id), type TEXT, title TEXT, detail TEXT, actor TEXT,"
            " created_at INTEGER);"
            "INSERT INTO clients VALUES (3, 'Marie', 'Dupont', 'm@example.test', '', 'fr', 1,"
            " 'Rue Haute 12', '1000', 'Bruxelles', 'BE');"}})
          .ok());
  PluginHostServices services(*db_, registry_, dir_.path(), "client-documents", mailer_, clock_,
                              logger_, "http://127.0.0.1:9");
  fs::path data = services.DataDir();
  EXPECT_EQ(data, dir_.path() / "plugins" / "client-documents");
  EXPECT_TRUE(fs::is_directory(data));
  EXPECT_EQ(fs::status(data).permissions() & fs::perms::all, fs::perms::owner_all);

  auto client = services.FindClient(3);
  ASSERT_TRUE(client.ok());
  EXPECT_EQ(client->DisplayName(), "Marie Dupont");
  EXPECT_EQ(client->language, "fr");
  EXPECT_TRUE(client->login_enabled);
  EXPECT_EQ(client->address, "Rue Haute 12\n1000 Bruxelles\nBE");
  EXPECT_EQ(services.FindClient(4).status().code(), crm::StatusCode::kNotFound);

  ASSERT_TRUE(
      services.AddTimeline({3, "client-documents.upload", "ID card uploaded", "", "client"}).ok());
  EXPECT_EQ(services.AddTimeline({4, "client-documents.upload", "x", "", ""}).code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(services.AddTimeline({3, "host.note", "forged", "", ""}).code(),
            crm::StatusCode::kInvalidArgument);
  auto row = db_->QueryOne("SELECT type, title, actor, created_at FROM timeline");
  ASSERT_TRUE(row.ok() && row.value());
  EXPECT_EQ(row.value()->Text(1), "ID card uploaded");
  EXPECT_EQ(row.value()->Int(3), 1795000000);
  EXPECT_EQ(services.NowUnix(), 1795000000);
  EXPECT_EQ(services.BaseUrl(), "http://127.0.0.1:9");
}

// Host API 1.3: a plugin's files. Without --store: a LocalObjectStore over its own folder (the
// layout files had before); with a shared store: that store, under plugins/<id>/ only.
TEST_F(LoaderTest, HostServicesGiveThePluginItsOwnFileStore) {
  auto put = [](crm::ObjectStore& store, std::string_view key,
                std::string_view bytes) -> crm::Status {
    auto writer = store.Create(key);
    if (!writer.ok()) return writer.status();
    CRM_RETURN_IF_ERROR((*writer)->Write(bytes));
    return (*writer)->Commit();
  };
  PluginHostServices local(*db_, registry_, dir_.path(), "client-documents", mailer_, clock_,
                           logger_, "http://127.0.0.1:9");
  ASSERT_TRUE(put(local.Files(), "files/3/a.bin", "abc").ok());
  EXPECT_EQ(&local.Files(), &local.Files());
  EXPECT_TRUE(
      fs::is_regular_file(dir_.path() / "plugins" / "client-documents" / "files" / "3" / "a.bin"));

  auto shared_root = LocalObjectStore::Open(dir_.path() / "bucket");
  ASSERT_TRUE(shared_root.ok());
  std::shared_ptr<crm::ObjectStore> shared = std::move(*shared_root);
  PluginHostServices a(*db_, registry_, dir_.path(), "plugin-a", mailer_, clock_, logger_,
                       "http://127.0.0.1:9", shared);
  PluginHostServices b(*db_, registry_, dir_.path(), "plugin-b", mailer_, clock_, logger_,
                       "http://127.0.0.1:9", shared);
  ASSERT_TRUE(put(a.Files(), "files/3/a.bin", "from a").ok());
  EXPECT_EQ(b.Files().Stat("files/3/a.bin").status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(b.Files().Stat("../plugin-a/files/3/a.bin").status().code(),
            crm::StatusCode::kInvalidArgument);
  EXPECT_TRUE(shared->Stat("plugins/plugin-a/files/3/a.bin").ok());
  EXPECT_FALSE(fs::exists(dir_.path() / "plugins" / "plugin-a" / "files"));
}

}  // namespace
}  // namespace host
