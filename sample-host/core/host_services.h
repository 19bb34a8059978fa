// sample-host/core/host_services.h — crm::HostServices as sample-host gives it to one plugin:
// the shared database, a private data folder, mail, timeline, client look-up, translations and log.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "host-api/object_store.h"
#include "host-api/services.h"
#include "host-api/sql.h"

namespace host {

class Clock;
class HookRegistry;
class HostTimeZone;
class Logger;
class Mailer;

// Host API 1.3 services a host with contracts and a task inbox gives every plugin (both
// optional; must outlive the plugins). `tasks_for` makes the inbox of one owner (plugin id).
struct HostExtras {
  crm::ContractView* contracts = nullptr;
  std::function<std::unique_ptr<crm::TaskInbox>(const std::string& owner)> tasks_for;
  // Host API 1.5: the host's time zone (none: UTC).
  const HostTimeZone* time_zone = nullptr;
};

// One per plugin (owner). Thread-safe; must outlive every call of the plugin (the
// PluginManager keeps it for the life of the process).
class PluginHostServices final : public crm::HostServices {
 public:
  // `data_root` is the host's data folder; the plugin's folder is data_root/plugins/<owner>/.
  // `shared_store` is the store of `serve --store`; none: the plugin's files stay in its folder.
  PluginHostServices(crm::Database& db, const HookRegistry& registry,
                     std::filesystem::path data_root, std::string owner, Mailer& mailer,
                     Clock& clock, Logger& logger, std::string base_url,
                     std::shared_ptr<crm::ObjectStore> shared_store = nullptr,
                     HostExtras extras = {});

  crm::Database& Db() override { return db_; }
  int64_t NowUnix() override;
  // Creates DATA/plugins/<owner>/ with mode 0700 the first time. Returns the path
  // (empty if it could not be created; the failure is logged).
  std::filesystem::path DataDir() override;
  crm::Status SendMail(const crm::MailMessage& message) override;
  // kNotFound when the client does not exist; kInvalidArgument for an empty type/title.
  crm::Status AddTimeline(const crm::TimelineEntry& entry) override;
  crm::Result<crm::ClientInfo> FindClient(int64_t client_id) override;
  crm::Status LockClient(crm::SqlExecutor& tx, int64_t client_id) override;
  std::string Translate(std::string_view language, std::string_view key) override;
  void Log(crm::LogLevel level, std::string_view message) override;
  std::string BaseUrl() override { return base_url_; }
  // The shared store under plugins/<owner>/, or a LocalObjectStore over DataDir() (the
  // layout of the files stays what it was before host API 1.3). Made on first use.
  crm::ObjectStore& Files() override;
  crm::ContractView* Contracts() override { return contracts_; }
  crm::TaskInbox* Tasks() override { return tasks_.get(); }
  crm::Result<std::vector<int64_t>> ClientIdsAfter(int64_t after_id, int limit) override;
  // The HostExtras' zone, or "UTC" and 0 without one.
  std::string TimeZoneName() override;
  int32_t UtcOffsetSeconds(int64_t unix_seconds) override;

 private:
  crm::Database& db_;
  const HookRegistry& registry_;
  std::filesystem::path data_root_;
  std::string owner_;
  Mailer& mailer_;
  Clock& clock_;
  Logger& logger_;
  std::string base_url_;
  std::once_flag data_dir_once_;
  std::filesystem::path data_dir_;
  std::shared_ptr<crm::ObjectStore> shared_store_;
  std::once_flag files_once_;
  std::unique_ptr<crm::ObjectStore> files_;
  crm::ContractView* contracts_ = nullptr;
  std::unique_ptr<crm::TaskInbox> tasks_;
  const HostTimeZone* time_zone_ = nullptr;
};

// The PluginManager's factory for sample-host: a PluginHostServices per plugin id over
// these shared services (all must outlive the manager). Declared here so the app does
// not need to spell the lambda.
std::function<std::unique_ptr<crm::HostServices>(const std::string& plugin_id)>
MakePluginServicesFactory(crm::Database& db, const HookRegistry& registry,
                          std::filesystem::path data_root, Mailer& mailer, Clock& clock,
                          Logger& logger, std::string base_url);

}  // namespace host
