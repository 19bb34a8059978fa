// sample-host/main.cc — the `sample-host` executable (SPEC §5 CLI): serve (migrate, register host
// routes, load plugins, seed the demo, run the HTTP server and the job scheduler), create-admin,
// create-token, run-jobs (SPEC §6: every plugin's scheduled jobs once, with --now as the clock),
// scrub (the plugins' maintenance command "scrub", host API 1.4, with its JSON report).
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sample-host/app/api_routes.h"
#include "sample-host/app/auth.h"
#include "sample-host/app/avatar_api.h"
#include "sample-host/app/avatars.h"
#include "sample-host/app/client_csv.h"
#include "sample-host/app/client_profile.h"
#include "sample-host/app/client_sets.h"
#include "sample-host/app/client_store.h"
#include "sample-host/app/contract_api.h"
#include "sample-host/app/contract_store.h"
#include "sample-host/app/custom_action_api.h"
#include "sample-host/app/custom_actions.h"
#include "sample-host/app/host_migrations.h"
#include "sample-host/app/newsletter.h"
#include "sample-host/app/profile_api.h"
#include "sample-host/app/seed_demo.h"
#include "sample-host/app/seed_demo_profiles.h"
#include "sample-host/app/settings_api.h"
#include "sample-host/app/task_store.h"
#include "sample-host/app/timeline_store.h"
#include "sample-host/core/clock.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/host_services.h"
#include "sample-host/core/job_leases.h"
#include "sample-host/core/local_object_store.h"
#include "sample-host/core/logger.h"
#include "sample-host/core/mailer.h"
#include "sample-host/core/migrator.h"
#include "sample-host/core/open_database.h"
#include "sample-host/core/plugin_call.h"
#include "sample-host/core/plugin_loader.h"
#include "sample-host/core/scheduler.h"
#include "sample-host/core/scoped_object_store.h"
#include "sample-host/core/time_zone.h"
#include "sample-host/http/server.h"
#include "sample-host/web/avatar_pages.h"
#include "sample-host/web/contract_pages.h"
#include "sample-host/web/custom_action_pages.h"
#include "sample-host/web/newsletter_pages.h"
#include "sample-host/web/page_renderer.h"
#include "sample-host/web/pages.h"
#include "sample-host/web/registration_pages.h"
#include "sample-host/web/settings_pages.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr char kUsage[] =
    "usage:\n"
    "  sample-host serve --data DIR --port N [--demo] [--demo-clients N] [--plugins DIR] "
    "[--base-url URL]\n"
    "        [--mail-from ADDRESS] [--smtp-url smtp://HOST:PORT [--smtp-starttls] [--smtp-user "
    "USER]]\n"
    "        (SMTP password in the environment variable CRM_SMTP_PASSWORD)\n"
    "        [--store s3://BUCKET?endpoint=http://HOST:PORT&region=R]\n"
    "        (credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)\n"
    "  sample-host create-admin --data DIR --email E [--name NAME] [--language en|fr|nl]  "
    "(password on stdin)\n"
    "  sample-host create-token --data DIR --email E [--scope S]... [--name NAME]\n"
    "  sample-host run-jobs --data DIR [--now YYYY-MM-DDTHH:MM:SSZ] [--plugins DIR] [--base-url "
    "URL]\n"
    "  sample-host scrub --data DIR [--store URL] [--plugins DIR]  (prints a JSON report;\n"
    "        exit code 4 when a stored file is missing or altered)\n"
    "  every command: [--database postgresql://USER@HOST:PORT/DB] (default: SQLite in DIR;\n"
    "        exit code 3 when that database cannot be reached)\n";

// A maintenance command (sample-host scrub) ran and found something a person must look at
// (a stored file missing or altered). 1: failure; 2: usage; 3: database unreachable.
constexpr int kExitProblemsFound = 4;

int Fail(const std::string& message) {
  std::cerr << "sample-host: " << message << "\n";
  return 1;
}

// A failure to open the core: a database that cannot be reached has its own exit code.
int FailCore(const crm::Status& s) {
  Fail(s.ToString());
  return s.code() == crm::StatusCode::kUnavailable ? host::kExitDatabaseUnavailable : 1;
}

// The wall clock, or the fixed instant of `run-jobs --now` (SPEC §6).
class CommandClock final : public host::Clock {
 public:
  int64_t NowUnix() override { return fixed ? *fixed : system_.NowUnix(); }
  std::optional<int64_t> fixed;

 private:
  host::SystemClock system_;
};

// The data folder, its database (migrated) and the services every command needs.
struct Core {
  fs::path data;
  CommandClock clock;
  std::unique_ptr<host::Logger> logger;
  std::unique_ptr<crm::Database> db;
  host::HookRegistry registry;
  std::unique_ptr<host::Mailer> mailer;
  // serve --store: the plugins' files in S3 (none: each plugin's folder under DATA).
  std::shared_ptr<crm::ObjectStore> store;
  // Issue 15.14: the host's time zone (setting `time_zone`, loaded after the migrations).
  host::HostTimeZone zone;
};

// DATA from --data, the database from --database (host::OpenHostDatabase), migrated.
crm::Status OpenCore(const po::variables_map& vm, Core& core) {
  const fs::path data = vm["data"].as<std::string>();
  core.data = data;
  std::error_code ec;
  fs::create_directories(data, ec);
  if (ec)
    return crm::Internal("cannot create the data folder " + data.string() + ": " + ec.message());
  // Identity documents live under it: only the host's user may read it.
  ::chmod(data.c_str(), 0700);
  core.logger = std::make_unique<host::Logger>(&core.clock);
  core.registry.SetLogger(core.logger.get());
  std::string url = vm.count("database") ? vm["database"].as<std::string>() : "";
  CRM_ASSIGN_OR_RETURN(core.db, host::OpenHostDatabase(url, data));
  CRM_RETURN_IF_ERROR(host::ApplyMigrations(*core.db, "host", host::HostMigrations()));
  // Issue 15.14: the stored time zone; one ICU no longer knows is logged and UTC stays.
  crm::Status zone =
      host::HostSettings(*core.db, core.zone, [&core] { return core.clock.NowUnix(); }).Load();
  if (!zone.ok()) core.logger->Warn("settings", "time_zone: " + zone.ToString());
  core.mailer =
      std::make_unique<host::Mailer>(data / "outbox", "CRM <no-reply@localhost>", core.clock);
  return crm::Status::Ok();
}

// serve's mail options: the sender address, and SMTP delivery of the outbox when --smtp-url
// is given (SPEC H7). The password comes from the environment: a flag would show in `ps`.
crm::Status ConfigureMail(const po::variables_map& vm, Core& core) {
  if (vm.count("mail-from")) {
    const std::string from = vm["mail-from"].as<std::string>();
    auto address = host::EnvelopeAddress(from);
    if (!address.ok()) return crm::InvalidArgument("--mail-from: " + address.status().message());
    core.mailer = std::make_unique<host::Mailer>(core.data / "outbox", from, core.clock);
  }
  if (!vm.count("smtp-url")) {
    if (vm.count("smtp-user") || vm.count("smtp-starttls")) {
      return crm::InvalidArgument("--smtp-user and --smtp-starttls need --smtp-url");
    }
    return crm::Status::Ok();  // outbox only
  }
  host::SmtpOptions smtp;
  smtp.url = vm["smtp-url"].as<std::string>();
  crm::Status url = host::CheckSmtpUrl(smtp.url);
  if (!url.ok()) return crm::InvalidArgument("--smtp-url: " + url.message());
  smtp.starttls = vm.count("smtp-starttls") > 0;
  if (vm.count("smtp-user")) {
    smtp.user = vm["smtp-user"].as<std::string>();
    const char* password = std::getenv("CRM_SMTP_PASSWORD");
    if (password == nullptr || *password == '\0') {
      return crm::InvalidArgument(
          "--smtp-user needs the password in the environment variable CRM_SMTP_PASSWORD");
    }
    smtp.password = password;
  }
  CRM_RETURN_IF_ERROR(core.mailer->StartSmtp(std::move(smtp), *core.logger));
  core.logger->Info("mail",
                    "delivering the outbox over SMTP (" + vm["smtp-url"].as<std::string>() + ")");
  return crm::Status::Ok();
}

// serve --store s3://BUCKET?endpoint=...&region=... (SPEC §6): the credentials come from
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and are never logged. An unreachable store is
// logged, not fatal: uploads answer 503 until it is back.
crm::Status ConfigureStore(const po::variables_map& vm, Core& core) {
  if (!vm.count("store")) return crm::Status::Ok();
  CRM_ASSIGN_OR_RETURN(core.store, host::OpenStoreUrl(vm["store"].as<std::string>()));
  crm::Status reached = core.store->List("plugins/", [](const crm::ObjectInfo&) { return false; });
  if (!reached.ok())
    core.logger->Warn("store", "the object store does not answer yet: " + reached.message());
  core.logger->Info("store", "plugin files in " + vm["store"].as<std::string>().substr(
                                                      0, vm["store"].as<std::string>().find('?')));
  return crm::Status::Ok();
}

// A free port for --port 0, chosen before anything is built so that the base URL (used
// in emails and by plugins) is right from the start.
crm::Result<uint16_t> FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return crm::Internal("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return crm::Internal("cannot find a free port");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Labels of the host's list filters (ClientStore::HostFilterSource), in every language.
crm::Status RegisterAppTranslations(crm::Registrar& r) {
  CRM_RETURN_IF_ERROR(r.AddTranslations("en", {{"app.filter.region", "Region"},
                                               {"app.filter.city", "City"},
                                               {"app.filter.postal_code", "Postal code"},
                                               {"app.filter.language", "Language"},
                                               {"app.filter.tag", "Tag"},
                                               {"app.language.en", "English"},
                                               {"app.language.fr", "French"},
                                               {"app.language.nl", "Dutch"}}));
  CRM_RETURN_IF_ERROR(r.AddTranslations("fr", {{"app.filter.region", "Région"},
                                               {"app.filter.city", "Ville"},
                                               {"app.filter.postal_code", "Code postal"},
                                               {"app.filter.language", "Langue"},
                                               {"app.filter.tag", "Étiquette"},
                                               {"app.language.en", "Anglais"},
                                               {"app.language.fr", "Français"},
                                               {"app.language.nl", "Néerlandais"}}));
  return r.AddTranslations("nl", {{"app.filter.region", "Regio"},
                                  {"app.filter.city", "Gemeente"},
                                  {"app.filter.postal_code", "Postcode"},
                                  {"app.filter.language", "Taal"},
                                  {"app.filter.tag", "Label"},
                                  {"app.language.en", "Engels"},
                                  {"app.language.fr", "Frans"},
                                  {"app.language.nl", "Nederlands"}});
}

// This machine's name, for the job leases' `holder` column (who ran a job last).
std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "host";
  return name;
}

// --port (0: a free one), checked.
crm::Result<uint16_t> ChoosePort(const po::variables_map& vm) {
  int port_arg = vm["port"].as<int>();
  if (port_arg < 0 || port_arg > 65535)
    return crm::InvalidArgument("--port must be between 0 and 65535");
  if (port_arg == 0) {
    auto free_port = FreePort();
    if (!free_port.ok()) return crm::Internal(free_port.status().ToString());
    return free_port;
  }
  return static_cast<uint16_t>(port_arg);
}

// The app's services a serve run builds on the core, in dependency order.
// Issue 14: the host's own files (client avatars, attachments of custom actions) in the object
// store of --store, under host/<folder>/, else on the local disk in DATA/host/<folder> (temp
// file, fsync, rename).
std::unique_ptr<crm::ObjectStore> OpenHostFiles(Core& core, const std::string& folder) {
  if (core.store)
    return std::make_unique<host::ScopedObjectStore>(core.store, "host/" + folder + "/");
  auto local = host::LocalObjectStore::Open(core.data / "host" / folder);
  if (!local.ok()) {
    core.logger->Error(folder, "no file store: " + local.status().message());
    return std::make_unique<host::FailedObjectStore>(local.status());
  }
  (void)(*local)->RemoveStaleTemp(core.clock.NowUnix(), 3600);  // writes a crash interrupted
  return std::move(*local);
}

struct App {
  App(Core& core, const std::string& base_url)
      : clients(*core.db, core.registry, [&core] { return core.clock.NowUnix(); }),
        timeline(*core.db, [&core] { return core.clock.NowUnix(); }),
        newsletter(*core.db, [&core] { return core.clock.NowUnix(); }),
        devices(*core.db, [&core] { return core.clock.NowUnix(); }),
        auth(
            *core.db, core.registry, [&core] { return core.clock.NowUnix(); },
            [this, &core, base_url](const crm::MailMessage& m) {
              return core.mailer->Send(WithUnsubscribeLink(core, m, base_url));
            },
            base_url),
        contracts(*core.db, [&core] { return core.clock.NowUnix(); }),
        tasks(*core.db, [&core] { return core.clock.NowUnix(); }),
        avatar_files(OpenHostFiles(core, "avatars")),
        avatars(*core.db, *avatar_files),
        action_files(OpenHostFiles(core, "attachments")),
        actions(*core.db, *action_files, [&core] { return core.clock.NowUnix(); }),
        settings(*core.db, core.zone, [&core] { return core.clock.NowUnix(); }),
        plugins(
            *core.db, core.registry,
            [this, &core, base_url](const std::string& id) -> std::unique_ptr<crm::HostServices> {
              host::HostExtras extras{
                  .contracts = with_contracts ? &contracts : nullptr,
                  .tasks_for = [this](const std::string& owner) { return tasks.InboxFor(owner); },
                  .time_zone = &core.zone};
              return std::make_unique<host::PluginHostServices>(
                  *core.db, core.registry, core.data, id, *core.mailer, core.clock, *core.logger,
                  base_url, core.store, std::move(extras));
            },
            *core.logger) {}

  // Issue 14: the host's mails to a client end with a newsletter unsubscribe link.
  crm::MailMessage WithUnsubscribeLink(Core& core, const crm::MailMessage& m,
                                       const std::string& base_url) {
    const host::HookRegistry& registry = core.registry;
    return newsletter.WithUnsubscribeLink(
        m, base_url, [&registry](std::string_view language, std::string_view url) {
          std::string text = registry.Translate(language, "web.newsletter.mail_footer");
          size_t at = text.find("{url}");
          return at == std::string::npos ? text + " " + std::string(url)
                                         : text.replace(at, 5, std::string(url));
        });
  }

  host::ClientStore clients;
  host::TimelineStore timeline;
  host::NewsletterStore newsletter;
  host::DeviceStore devices;
  bool self_registration = false;  // serve --self-registration: /account/register
  bool with_contracts = true;      // serve --without-contracts: a host with no contract view
  host::Auth auth;
  host::ContractStore contracts;  // host API 1.3 (attestations, issue 13)
  host::TaskStore tasks;
  std::unique_ptr<crm::ObjectStore> avatar_files;  // issue 14
  host::AvatarStore avatars;
  std::unique_ptr<crm::ObjectStore> action_files;  // issue 14 (H13): attachments
  host::CustomActions actions;
  host::HostSettings settings;  // issue 15.14: the time zone
  host::PluginManager plugins;
};

// Issue 14 (SPEC H11-H18): the newsletter's filters and column, and the API of
// profile_api.h.
void RegisterProfileFeatures(crm::Registrar& reg, Core& core, App& app) {
  const host::HookRegistry& registry = core.registry;
  host::TranslateFn translate = [&registry](std::string_view l, std::string_view k) {
    return registry.Translate(l, k);
  };
  (void)reg.AddListFilterSource(host::NewsletterStore::FilterSource(*core.db, translate));
  (void)reg.AddListColumn(host::NewsletterStore::StatusColumn(translate));
  for (crm::ListColumn& column : host::ContactListColumns(translate)) {
    (void)reg.AddListColumn(std::move(column));
  }
  (void)host::RegisterProfileApi(reg, {app.clients, app.timeline, app.newsletter, app.devices});
  (void)host::web::RegisterNewsletterPages(reg, {core.registry, app.newsletter});
  (void)host::RegisterAvatarApi(reg, app.avatars);
  (void)host::web::RegisterAvatarPages(reg, {core.registry, app.avatars});
  (void)reg.AddClientDeletionHook(host::AvatarDeletionHook(app.avatars));
  (void)host::RegisterCustomActionApi(reg, app.actions);  // H13
  (void)host::web::RegisterCustomActionPages(
      reg, {core.registry, app.clients, app.timeline, app.actions});
  (void)reg.AddClientDeletionHook(app.actions.DeletionHook());
  (void)host::RegisterSettingsApi(reg, app.settings);  // issue 15.14
  // Every node reads the settings again each minute, so a change made through another node
  // reaches it (the lease below lets this job run on every node).
  crm::ScheduledJob reload;
  reload.id = "settings";
  reload.period_seconds = 60;
  reload.run = [&app] { return app.settings.Load(); };
  (void)reg.AddScheduledJob(std::move(reload));
  (void)host::web::RegisterSettingsPages(reg, {core.registry, app.settings});
  if (app.self_registration) {
    (void)host::web::RegisterRegistrationPages(
        reg, {core.registry, app.clients, app.auth, app.timeline});
  }
}

// The host registers first (hooks of equal priority run host first), all at once.
crm::Status RegisterHost(Core& core, App& app) {
  crm::Database& db = *core.db;
  host::StagingRegistrar reg("host");
  const host::HookRegistry& registry = core.registry;
  (void)host::ClientStore::RegisterHostFilters(
      reg, db,
      [&registry](std::string_view l, std::string_view k) { return registry.Translate(l, k); });
  (void)host::RegisterClientSetsJob(reg, db);  // host API 1.6: the client sets' fold
  (void)RegisterAppTranslations(reg);
  (void)host::RegisterClientApi(reg, app.clients, app.auth);
  // Contracts and the task inbox (issue 13).
  if (app.with_contracts) (void)host::RegisterContractApi(reg, app.contracts);
  (void)host::web::RegisterContractPages(reg, app.contracts, app.tasks, app.with_contracts,
                                         core.zone);
  RegisterProfileFeatures(reg, core, app);  // issue 14
  host::ClientStore& clients = app.clients;
  host::PluginManager& plugins = app.plugins;
  host::web::WebDeps deps{
      db,
      core.registry,
      clients,
      app.auth,
      app.timeline,
      [&plugins] { return plugins.states(); },
      *core.logger,
      *core.mailer,
      core.clock,
      [&clients](const host::ClientListQuery& q,
                 const std::function<crm::Status(std::string_view)>& write) {
        return host::ExportClientsCsv(clients, q, {';', true}, write);
      },
      [&clients](std::string_view text) -> crm::Result<std::vector<host::web::CsvImportLine>> {
        CRM_ASSIGN_OR_RETURN(auto imported, host::ImportClientsCsv(clients, text));
        std::vector<host::web::CsvImportLine> lines;
        for (const auto& x : imported) lines.push_back({x.line, x.ok, x.client_id, x.message});
        return lines;
      },
      core.zone};
  (void)host::web::RegisterPages(reg, deps);
  if (!reg.first_error().ok()) return reg.first_error();
  return core.registry.Commit(reg.Take());
}

// --plugins, or plugins/ beside the executable (<build>/plugins).
fs::path PluginDir(const po::variables_map& vm) {
  if (vm.count("plugins")) return vm["plugins"].as<std::string>();
  return fs::path(boost::dll::program_location().parent_path().string()) / "plugins";
}

// Each plugin's own demo data (host API 1.1), given the demo clients' ids. A seeder that
// fails is logged and the others still run.
crm::Status RunPluginSeeders(Core& core) {
  std::vector<int64_t> client_ids;
  CRM_ASSIGN_OR_RETURN(auto rows, core.db->QueryAll("SELECT id FROM clients ORDER BY id"));
  for (const auto& r : rows) client_ids.push_back(r.Int(0));
  for (const auto& seeder : core.registry.demo_seeders()) {
    // Policy: a seeder that fails or throws (logged by CallPlugin) is reported and skipped.
    crm::Status seeded =
        host::CallPlugin(*core.logger, "demo seeder " + seeder.owner + "." + seeder.hook.id,
                         [&] { return seeder.hook.seed(client_ids); });
    if (!seeded.ok()) {
      core.logger->Log(crm::LogLevel::kWarning, "demo",
                       seeder.owner + "." + seeder.hook.id + ": " + seeded.ToString());
    }
  }
  return crm::Status::Ok();
}

// --demo and --demo-clients, into an empty database only. The demo's credentials when
// --demo seeded them.
crm::Result<std::optional<host::DemoCredentials>> SeedDemoData(const po::variables_map& vm,
                                                               Core& core, App& app) {
  bool demo = vm.count("demo") > 0;
  int64_t demo_clients = vm["demo-clients"].as<int64_t>();
  std::optional<host::DemoCredentials> credentials;
  if (!demo && demo_clients <= 0) return credentials;
  CRM_ASSIGN_OR_RETURN(bool empty, host::DatabaseIsEmpty(*core.db));
  if (!empty) {
    std::cout << "demo: the database already holds data; nothing seeded" << std::endl;
    return credentials;
  }
  if (demo) {
    auto d = host::SeedDemo(*core.db, app.clients, app.auth, 50);
    if (!d.ok()) return crm::Internal("demo: " + d.status().ToString());
    credentials = *d;
    // Contracts in each state for the first demo clients (issue 13).
    crm::Status contracts = host::SeedDemoContracts(*core.db, app.contracts, core.clock.NowUnix());
    if (!contracts.ok()) return crm::Internal("demo: " + contracts.ToString());
    crm::Status profiles =
        host::SeedDemoProfiles(app.clients, app.newsletter, app.timeline, app.devices);
    if (!profiles.ok()) return crm::Internal("demo: " + profiles.ToString());
    crm::Status avatars = host::SeedDemoAvatars(*core.db, app.avatars);  // issue 14
    if (!avatars.ok()) return crm::Internal("demo: " + avatars.ToString());
    crm::Status actions = host::SeedDemoActions(*core.db, app.timeline, app.actions);  // H13
    if (!actions.ok()) return crm::Internal("demo: " + actions.ToString());
    crm::Status seeded = RunPluginSeeders(core);
    if (!seeded.ok()) return crm::Internal("demo: " + seeded.ToString());
  }
  if (demo_clients > 0) {
    auto t0 = std::chrono::steady_clock::now();
    auto n = host::SeedBulkClients(*core.db, demo_clients, core.clock.NowUnix());
    if (!n.ok()) return crm::Internal("demo-clients: " + n.status().ToString());
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    std::cout << "demo: " << *n << " generated clients inserted in " << ms.count() << " ms"
              << std::endl;
  }
  return credentials;
}

void PrintDemoCredentials(const std::string& url, const host::DemoCredentials& demo) {
  std::cout << "demo: admin      " << url << "/admin/login  " << demo.admin_email << "  password "
            << demo.admin_password << "\n";
  for (const auto& [email, password] : demo.client_logins) {
    std::cout << "demo: client     " << url << "/account/login  " << email << "  password "
              << password << "\n";
  }
  std::cout << "demo: API        " << url
            << "/api/v1/clients  (sample-host create-token --data DIR --email " << demo.admin_email
            << ")\n";
}

int Serve(const po::variables_map& vm) {
  Core core;
  crm::Status s = OpenCore(vm, core);
  if (!s.ok()) return FailCore(s);
  s = ConfigureMail(vm, core);
  if (s.ok()) s = ConfigureStore(vm, core);
  if (!s.ok()) return Fail(s.ToString());
  host::Logger& logger = *core.logger;
  auto port = ChoosePort(vm);
  if (!port.ok()) return Fail(port.status().message());
  std::string base_url = vm.count("base-url") ? vm["base-url"].as<std::string>()
                                              : "http://127.0.0.1:" + std::to_string(*port);
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();

  App app(core, base_url);
  app.self_registration = vm.count("self-registration") > 0;  // issue 14, off by default
  app.with_contracts = vm.count("without-contracts") == 0;    // issue 13: client-level only
  s = RegisterHost(core, app);
  if (!s.ok()) return Fail("host registration: " + s.ToString());
  // The manager logs each file's outcome; a plugin that fails leaves the host running.
  (void)app.plugins.LoadAll(PluginDir(vm));
  auto demo = SeedDemoData(vm, core, app);
  if (!demo.ok()) return Fail(demo.status().message());

  host::web::LayoutRenderer pages(core.registry);
  host::AppAuthenticator authenticator(app.auth, core.db.get());
  host::ServerOptions options;
  options.port = *port;
  host::HttpServer server(
      options, core.registry, authenticator, pages,
      [&logger](crm::LogLevel level, std::string_view m) { logger.Log(level, "http", m); });
  auto bound = server.Start();
  if (!bound.ok()) {
    return Fail("cannot listen on 127.0.0.1:" + std::to_string(*port) + ": " +
                bound.status().ToString());
  }
  std::string url = "http://127.0.0.1:" + std::to_string(*bound);
  if (*demo) PrintDemoCredentials(url, **demo);
  std::cout << "listening on " << url << std::endl;

  host::Scheduler scheduler(core.registry, logger);
  // Each job runs once per period across every node on this database (schema 8).
  host::JobLeases leases(*core.db, HostName() + ":" + std::to_string(*bound),
                         [&core] { return core.clock.NowUnix(); });
  scheduler.SetLease([&leases](const std::string& job, int64_t period) -> crm::Result<bool> {
    // Each node reloads its own copy of the settings. The client sets' fold is safe on every
    // node (it reads first and folds under a lock), and a lease taken every 5 s would be a
    // write every 5 s: on SQLite each write makes every reader connection map the database
    // file again and fault its pages back in.
    if (job == "host.settings" || job == "host.client-sets") return true;
    return leases.TryTake(job, period);
  });
  scheduler.Start();
  server.Wait();
  scheduler.Stop();
  core.mailer->StopSmtp();
  return 0;
}

int CreateAdmin(const po::variables_map& vm) {
  if (!vm.count("email")) return Fail("create-admin needs --email");
  Core core;
  crm::Status s = OpenCore(vm, core);
  if (!s.ok()) return FailCore(s);
  std::string password;
  if (!std::getline(std::cin, password)) return Fail("create-admin reads the password from stdin");
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n'))
    password.pop_back();
  std::string email = vm["email"].as<std::string>();
  std::string name =
      vm.count("name") ? vm["name"].as<std::string>() : email.substr(0, email.find('@'));
  host::Auth auth(
      *core.db, core.registry, [&core] { return core.clock.NowUnix(); }, nullptr, "");
  auto admin = auth.CreateAdmin(email, name, password, vm["language"].as<std::string>());
  if (!admin.ok()) return Fail(admin.status().ToString());
  std::cout << "admin " << admin->email << " created (id " << admin->id << ", "
            << admin->permissions.size() << " permissions)" << std::endl;
  return 0;
}

int CreateToken(const po::variables_map& vm) {
  if (!vm.count("email")) return Fail("create-token needs --email");
  Core core;
  crm::Status s = OpenCore(vm, core);
  if (!s.ok()) return FailCore(s);
  host::Auth auth(
      *core.db, core.registry, [&core] { return core.clock.NowUnix(); }, nullptr, "");
  auto admin = auth.FindAdminByEmail(vm["email"].as<std::string>());
  if (!admin.ok()) return Fail(admin.status().ToString());
  std::vector<std::string> scopes;
  if (vm.count("scope")) scopes = vm["scope"].as<std::vector<std::string>>();
  std::string name = vm.count("name") ? vm["name"].as<std::string>() : "command line";
  auto token = auth.CreateApiToken(admin->id, name, scopes);
  if (!token.ok()) return Fail(token.status().ToString());
  std::cout << *token << std::endl;
  return 0;
}

// ---- run-jobs (SPEC §6 Jobs): every plugin's scheduled jobs once, with --now as the clock ----

// "2026-12-31T08:00:00Z" to Unix seconds.
std::optional<int64_t> ParseUtc(const std::string& text) {
  std::tm tm{};
  char z = 0;
  if (text.size() != 20 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z) != 7 ||
      z != 'Z')
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm));
}

// A one-off command's set-up: the core, the same files as serve (the scrub and the mails'
// links read them), the host's registrations and the plugins, loaded as serve loads them
// (their migrations run); then `run`. Returns the exit code.
int WithPlugins(const po::variables_map& vm, Core& core, const std::function<int()>& run) {
  crm::Status s = OpenCore(vm, core);
  if (!s.ok()) return FailCore(s);
  s = ConfigureStore(vm, core);
  if (!s.ok()) return Fail(s.ToString());
  std::string base_url =
      vm.count("base-url") ? vm["base-url"].as<std::string>() : "http://127.0.0.1:8080";
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  App app(core, base_url);
  s = RegisterHost(core, app);
  if (!s.ok()) return Fail("host registration: " + s.ToString());
  (void)app.plugins.LoadAll(PluginDir(vm));
  return run();
}

// Loads the plugins as serve does (their migrations run) and runs the host's one scheduler
// once: no second mechanism for cron. Exits 0 once every job ran (a failing job is logged).
int RunJobs(const po::variables_map& vm) {
  Core core;
  if (vm.count("now")) {
    core.clock.fixed = ParseUtc(vm["now"].as<std::string>());
    if (!core.clock.fixed) return Fail("--now must be YYYY-MM-DDTHH:MM:SSZ");
  }
  return WithPlugins(vm, core, [&core] {
    host::Scheduler scheduler(core.registry, *core.logger);
    scheduler.RunAllOnce();
    return 0;
  });
}

// ---- maintenance commands (host API 1.4), e.g. `scrub` (SPEC §6 Jobs) ----

// Runs every loaded plugin's maintenance command `id` once, in load order, and prints each
// report on its own line of stdout (one plugin: exactly its JSON object). Exit 0 when all is
// well, kExitProblemsFound when a report found problems, 1 when a command failed or no
// plugin offers `id`.
int RunMaintenance(const po::variables_map& vm, const std::string& id) {
  Core core;
  return WithPlugins(vm, core, [&core, &id] {
    int code = 0;
    bool found = false;
    for (const auto& c : core.registry.commands()) {
      if (c.hook.id != id) continue;
      found = true;
      auto report = host::CallPlugin(*core.logger, "maintenance command " + c.owner + "." + id,
                                     [&] { return c.hook.run(); });
      if (!report.ok()) {
        code = Fail(c.owner + " " + id + ": " + report.status().ToString());
        continue;
      }
      std::cout << report->json << std::endl;
      if (report->problems && code == 0) code = kExitProblemsFound;
    }
    return found ? code : Fail("no loaded plugin offers the command " + id);
  });
}

}  // namespace

int main(int argc, char** argv) {
  // Buffers of 1 MiB and more (a tus PATCH's parts to S3, a 4 MiB ranged read, an upload's
  // read-ahead) are mapped and given back when freed. Left to glibc, the threshold rises to the
  // largest block freed, and such buffers then stay in each worker thread's arena: a 256 MiB tus
  // upload to S3 left the server at 118 MiB, against 51-54 MiB with this (bench_upload, issue 9).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  try {
    po::options_description opts("options");
    opts.add_options()("command", po::value<std::string>(), "serve | create-admin | create-token")(
        "data", po::value<std::string>(), "data folder (created if needed)")(
        "database", po::value<std::string>(),
        "postgresql://USER@HOST:PORT/DB (password: PGPASSWORD; default: SQLite in --data)")(
        "port", po::value<int>()->default_value(8080), "port on 127.0.0.1 (0: any free port)")(
        "demo", "seed demo data into an empty database")(
        "demo-clients", po::value<int64_t>()->default_value(0), "seed N generated clients")(
        "plugins", po::value<std::string>(),
        "plugin folder (default: plugins/ beside the executable)")(
        "base-url", po::value<std::string>(), "public base URL for links in emails")(
        "store", po::value<std::string>(), "plugin files in s3://BUCKET?endpoint=URL&region=R")(
        "self-registration", "serve: visitors may create a client account at /account/register")(
        "without-contracts",
        "serve: act as a host without contracts (no contract view for plugins, no Contracts "
        "pages)")("mail-from", po::value<std::string>(),
                  "sender of the host's mail (default: CRM <no-reply@localhost>)")(
        "smtp-url", po::value<std::string>(),
        "deliver the outbox over SMTP: smtp://HOST:PORT or smtps://…")(
        "smtp-user", po::value<std::string>(),
        "SMTP login (password in the environment variable CRM_SMTP_PASSWORD)")(
        "smtp-starttls", "require STARTTLS on an smtp:// server")(
        "email", po::value<std::string>(), "admin email")("name", po::value<std::string>(),
                                                          "admin or token name")(
        "language", po::value<std::string>()->default_value("en"), "admin language")(
        "scope", po::value<std::vector<std::string>>()->composing(), "token scope (repeatable)")(
        "now", po::value<std::string>(), "run-jobs: the clock, YYYY-MM-DDTHH:MM:SSZ")("help,h",
                                                                                      "this help");
    po::positional_options_description pos;
    pos.add("command", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(opts).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help") || !vm.count("command")) {
      std::cout << kUsage;
      return vm.count("help") ? 0 : 2;
    }
    if (!vm.count("data")) return Fail(std::string("--data DIR is required\n") + kUsage);
    std::string command = vm["command"].as<std::string>();
    if (command == "serve") return Serve(vm);
    if (command == "create-admin") return CreateAdmin(vm);
    if (command == "create-token") return CreateToken(vm);
    if (command == "run-jobs") return RunJobs(vm);
    if (command == "scrub") return RunMaintenance(vm, command);
    return Fail("unknown command '" + command + "'\n" + kUsage);
  } catch (const std::exception& e) {
    return Fail(e.what());
  }
}
