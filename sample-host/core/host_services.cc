// sample-host/core/host_services.cc — the services one plugin gets. Plugins only reach host data
// through here: bound SQL, their own folder, and timeline entries namespaced to their id.
#include "sample-host/core/host_services.h"

#include <algorithm>
#include <system_error>

#include "sample-host/core/clock.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/core/local_object_store.h"
#include "sample-host/core/logger.h"
#include "sample-host/core/mailer.h"
#include "sample-host/core/scoped_object_store.h"
#include "sample-host/core/time_zone.h"

namespace host {

PluginHostServices::PluginHostServices(crm::Database& db, const HookRegistry& registry,
                                       std::filesystem::path data_root, std::string owner,
                                       Mailer& mailer, Clock& clock, Logger& logger,
                                       std::string base_url,
                                       std::shared_ptr<crm::ObjectStore> shared_store,
                                       HostExtras extras)
    : db_(db),
      registry_(registry),
      data_root_(std::move(data_root)),
      owner_(std::move(owner)),
      mailer_(mailer),
      clock_(clock),
      logger_(logger),
      base_url_(std::move(base_url)),
      shared_store_(std::move(shared_store)),
      contracts_(extras.contracts),
      tasks_(extras.tasks_for ? extras.tasks_for(owner_) : nullptr),
      time_zone_(extras.time_zone) {}

int64_t PluginHostServices::NowUnix() { return clock_.NowUnix(); }

std::string PluginHostServices::TimeZoneName() {
  return time_zone_ ? time_zone_->Name() : std::string(kDefaultTimeZone);
}

int32_t PluginHostServices::UtcOffsetSeconds(int64_t unix_seconds) {
  return time_zone_ ? time_zone_->OffsetAt(unix_seconds) : 0;
}

std::filesystem::path PluginHostServices::DataDir() {
  std::call_once(data_dir_once_, [&] {
    namespace fs = std::filesystem;
    fs::path plugins = data_root_ / "plugins";
    fs::path dir = plugins / owner_;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      logger_.Error("plugin " + owner_,
                    "cannot create its data folder " + dir.string() + ": " + ec.message());
      return;
    }
    // Identity documents live here: only the host's user may read them.
    fs::permissions(plugins, fs::perms::owner_all, fs::perm_options::replace, ec);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec)
      logger_.Warn("plugin " + owner_,
                   "cannot restrict " + dir.string() + " to mode 0700: " + ec.message());
    data_dir_ = dir;
  });
  return data_dir_;
}

crm::Status PluginHostServices::SendMail(const crm::MailMessage& message) {
  return mailer_.Send(message);
}

crm::Status PluginHostServices::AddTimeline(const crm::TimelineEntry& entry) {
  if (entry.client_id <= 0) return crm::InvalidArgument("timeline entry without a client");
  if (entry.title.empty()) return crm::InvalidArgument("timeline entry without a title");
  // A plugin writes only its own kind of entries, so it cannot pass for the host or another plugin.
  const std::string prefix = owner_ + ".";
  if (entry.type.size() <= prefix.size() || entry.type.compare(0, prefix.size(), prefix) != 0) {
    return crm::InvalidArgument("timeline type \"" + entry.type + "\" must start with \"" + prefix +
                                "\"");
  }
  auto r = db_.Exec(
      "INSERT INTO timeline (client_id, type, title, detail, actor, created_at) "
      "SELECT id, ?, ?, ?, ?, ? FROM clients WHERE id = ?",
      {entry.type, entry.title, entry.detail, entry.actor, clock_.NowUnix(), entry.client_id});
  if (!r.ok()) return r.status();
  if (*r == 0)
    return crm::NotFound("client " + std::to_string(entry.client_id) + " does not exist");
  return crm::Status::Ok();
}

crm::Result<crm::ClientInfo> PluginHostServices::FindClient(int64_t client_id) {
  CRM_ASSIGN_OR_RETURN(auto row, db_.QueryOne("SELECT id, first_name, last_name, email, company, "
                                              "language, login_enabled, street, postal_code, "
                                              "city, country FROM clients WHERE id = ?",
                                              {client_id}));
  if (!row) return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  const crm::SqlRow& r = *row;
  crm::ClientInfo c;
  c.id = r.Int(0);
  c.first_name = r.Text(1);
  c.last_name = r.Text(2);
  c.email = r.Text(3);
  c.company = r.Text(4);
  c.language = r.Text(5);
  c.login_enabled = r.Int(6) != 0;
  c.address = crm::FormatPostalAddress(r.Text(7), r.Text(8), r.Text(9), r.Text(10));
  return c;
}

crm::Status PluginHostServices::LockClient(crm::SqlExecutor& tx, int64_t client_id) {
  // SQLite's write transactions are serial (BEGIN IMMEDIATE): reading is enough there.
  const bool pg = db_.Dialect() == crm::SqlDialect::kPostgresql;
  CRM_ASSIGN_OR_RETURN(auto row, tx.QueryOne(pg ? "SELECT 1 FROM clients WHERE id = ? FOR SHARE"
                                                : "SELECT 1 FROM clients WHERE id = ?",
                                             {client_id}));
  if (!row) return crm::NotFound("client " + std::to_string(client_id) + " does not exist");
  return crm::Status::Ok();
}

crm::Result<std::vector<int64_t>> PluginHostServices::ClientIdsAfter(int64_t after_id, int limit) {
  limit = std::clamp(limit, 1, 1000);
  CRM_ASSIGN_OR_RETURN(auto rows,
                       db_.QueryAll("SELECT id FROM clients WHERE id > ? ORDER BY id LIMIT ?",
                                    {after_id, static_cast<int64_t>(limit)}));
  std::vector<int64_t> ids;
  ids.reserve(rows.size());
  for (const crm::SqlRow& r : rows) ids.push_back(r.Int(0));
  return ids;
}

std::string PluginHostServices::Translate(std::string_view language, std::string_view key) {
  return registry_.Translate(language, key);
}

crm::ObjectStore& PluginHostServices::Files() {
  std::call_once(files_once_, [&] {
    if (shared_store_) {
      files_ = std::make_unique<ScopedObjectStore>(shared_store_, "plugins/" + owner_ + "/");
      return;
    }
    std::filesystem::path dir = DataDir();
    auto local = dir.empty() ? crm::Result<std::unique_ptr<LocalObjectStore>>(
                                   crm::Internal("the plugin has no data folder"))
                             : LocalObjectStore::Open(dir);
    if (local.ok()) {
      // Writes a crash interrupted (start-up is the first use).
      (void)(*local)->RemoveStaleTemp(clock_.NowUnix(), 3600);
      files_ = std::move(*local);
      return;
    }
    logger_.Error("plugin " + owner_, "no file store: " + local.status().message());
    files_ = std::make_unique<FailedObjectStore>(local.status());
  });
  return *files_;
}

void PluginHostServices::Log(crm::LogLevel level, std::string_view message) {
  logger_.Log(level, "plugin " + owner_, message);
}

std::function<std::unique_ptr<crm::HostServices>(const std::string& plugin_id)>
MakePluginServicesFactory(crm::Database& db, const HookRegistry& registry,
                          std::filesystem::path data_root, Mailer& mailer, Clock& clock,
                          Logger& logger, std::string base_url) {
  return [&db, &registry, data_root = std::move(data_root), &mailer, &clock, &logger,
          base_url = std::move(base_url)](
             const std::string& plugin_id) -> std::unique_ptr<crm::HostServices> {
    return std::make_unique<PluginHostServices>(db, registry, data_root, plugin_id, mailer, clock,
                                                logger, base_url);
  };
}

}  // namespace host
