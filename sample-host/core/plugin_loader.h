// sample-host/core/plugin_loader.h — the plugin manager (SPEC H8): checks each plugin file's ELF
// manifest before any of its code runs, loads it with Boost.DLL, stages its hooks, migrates,
// commits.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host-api/services.h"
#include "host-api/sql.h"
#include "sample-host/core/hook_registry.h"

namespace host {

class Logger;
struct PluginManifest;

// The outcome of one plugin file, for logs and the admin's plugin page.
struct PluginState {
  enum class State { kLoaded, kRefused, kFailed };
  std::filesystem::path file;
  std::string id, name, version;  // from the manifest; empty when it could not be read
  State state = State::kRefused;
  std::string error;  // why it was refused or failed; empty when loaded
};

// "loaded", "refused", "failed".
const char* StateName(PluginState::State state);

// Makes the HostServices a plugin receives (its DataDir is DATA/plugins/<id>/). Called
// once per plugin whose checks passed; the manager keeps the object forever.
using HostServicesFactory =
    std::function<std::unique_ptr<crm::HostServices>(const std::string& plugin_id)>;

// Loads plugins. Not thread-safe: used at start-up, before the server serves. A plugin
// that was dlopen()ed is never unloaded (its library is held by every hook it registered
// and by the manager), even when it failed afterwards. The plugins' HostServices die
// with the manager: keep it alive as long as any hook may be called (the process).
class PluginManager {
 public:
  PluginManager(crm::Database& db, HookRegistry& registry, HostServicesFactory factory,
                Logger& log);
  ~PluginManager();

  // Loads every `*.so` file of `dir` in name order; a missing folder is not an error
  // (returns no states). Per file one log line (INFO loaded, WARN refused, ERROR failed;
  // an entry that throws adds the ERROR line of CallPlugin), and the host goes on:
  //  kRefused (nothing of the plugin ran): file or folder writable by any user, not a
  //   loadable library, no manifest, bad
  //   manifest, API major differs, plugin minor newer than the host's, toolchain
  //   fingerprint differs, entry symbol not exported, invalid or duplicate plugin id;
  //  kFailed (after dlopen): the library does not load, the entry throws or returns an
  //   error, a registration was refused, a migration fails or was edited, Commit clashes.
  // Returns the states of this call's files (also appended to states()).
  std::vector<PluginState> LoadAll(const std::filesystem::path& dir);

  // Loads one file (same steps as LoadAll).
  PluginState LoadFile(const std::filesystem::path& file);

  const std::vector<PluginState>& states() const { return states_; }

 private:
  struct Loaded;
  struct Opened;
  PluginState Finish(PluginState st, PluginState::State state, std::string error);
  crm::Result<PluginManifest> CheckFile(PluginState& st) const;
  crm::Status LoadAndRegister(const std::filesystem::path& file, const PluginManifest& manifest);
  crm::Result<Opened> Open(const std::filesystem::path& file, const std::string& id);
  crm::Result<StagedRegistrations> RunEntry(const Opened& opened, const std::string& id);
  void WarnMissingTranslations(const StagedRegistrations& staged);
  crm::Database& db_;
  HookRegistry& registry_;
  HostServicesFactory factory_;
  Logger& log_;
  std::vector<PluginState> states_;
  std::vector<std::unique_ptr<Loaded>> kept_;  // libraries and services, never released
};

}  // namespace host
