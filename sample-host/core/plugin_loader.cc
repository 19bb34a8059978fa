// sample-host/core/plugin_loader.cc — the load sequence of one plugin file: ELF/manifest checks
// (no plugin code runs), dlopen through Boost.DLL, entry, staged hooks, migrations, commit.
#include "sample-host/core/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <mutex>
#include <set>
#include <system_error>

#include "host-api/plugin.h"
#include "host-api/version.h"
#include "sample-host/core/elf_manifest.h"
#include "sample-host/core/logger.h"
#include "sample-host/core/migrator.h"
#include "sample-host/core/plugin_call.h"

namespace host {
namespace {

constexpr std::string_view kLog = "plugin-loader";

// The id becomes a folder name and part of URL prefixes: keep it to a safe alphabet.
bool IsValidPluginId(std::string_view id) {
  if (id.empty() || id.size() > 64 || id == "host") return false;
  if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= '0' && id[0] <= '9'))) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

}  // namespace

// Every text must exist in en, fr and nl (host-api/registrar.h). A gap is not worth
// refusing a plugin over (Translate falls back to English), but the admin should know.
void PluginManager::WarnMissingTranslations(const StagedRegistrations& staged) {
  std::set<std::string> keys;
  for (const auto& [language, catalog] : staged.translations) {
    for (const auto& [key, text] : catalog) keys.insert(key);
  }
  std::vector<std::string> missing;
  for (std::string_view language : crm::kLanguages) {
    auto it = staged.translations.find(std::string(language));
    for (const auto& key : keys) {
      if (it == staged.translations.end() || !it->second.count(key))
        missing.push_back(std::string(language) + ": " + key);
    }
  }
  if (missing.empty()) return;
  std::string list;
  for (size_t i = 0; i < missing.size() && i < 10; ++i) list += (i ? ", " : "") + missing[i];
  if (missing.size() > 10) list += ", ... (" + std::to_string(missing.size()) + " in all)";
  log_.Warn(kLog, "plugin " + staged.owner + " lacks translations: " + list);
}

const char* StateName(PluginState::State state) {
  switch (state) {
    case PluginState::State::kLoaded:
      return "loaded";
    case PluginState::State::kRefused:
      return "refused";
    case PluginState::State::kFailed:
      return "failed";
  }
  return "failed";
}

// What a dlopen()ed plugin keeps alive for the rest of the process.
struct PluginManager::Loaded {
  std::shared_ptr<boost::dll::shared_library> library;
  std::unique_ptr<crm::HostServices> services;
};

// A dlopen()ed library, its entry and the services made for it (owned by kept_).
struct PluginManager::Opened {
  std::shared_ptr<boost::dll::shared_library> library;
  CrmPluginEntryFn* entry = nullptr;
  crm::HostServices* services = nullptr;
};

PluginManager::PluginManager(crm::Database& db, HookRegistry& registry, HostServicesFactory factory,
                             Logger& log)
    : db_(db), registry_(registry), factory_(std::move(factory)), log_(log) {}

PluginManager::~PluginManager() {
  // Libraries are never unloaded: a hook's std::function (whose destructor is plugin
  // code; Registered<> drops keep_alive before the hook) or a plugin thread may outlive
  // this manager, and unloading C++ libraries is unsafe (static destructors, TLS). They
  // move to a process-wide list that stays reachable, so leak checkers stay quiet.
  static std::mutex graveyard_mutex;
  static auto* graveyard = new std::vector<std::shared_ptr<boost::dll::shared_library>>();
  std::lock_guard<std::mutex> lock(graveyard_mutex);
  for (auto& k : kept_) {
    if (k->library) graveyard->push_back(std::move(k->library));
  }
}

std::vector<PluginState> PluginManager::LoadAll(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::vector<PluginState> result;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    log_.Info(kLog, "no plugin folder at " + dir.string() + "; no plugins loaded");
    return result;
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() == ".so" && p.filename().string().front() != '.') files.push_back(p);
  }
  if (ec) log_.Warn(kLog, "listing " + dir.string() + ": " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  for (const auto& f : files) result.push_back(LoadFile(f));
  return result;
}

PluginState PluginManager::LoadFile(const std::filesystem::path& given) {
  namespace fs = std::filesystem;
  // Absolute, so dlopen never searches LD_LIBRARY_PATH or the system folders for it.
  std::error_code abs_error;
  PluginState st;
  st.file = fs::absolute(given, abs_error);
  auto manifest = CheckFile(st);
  if (!manifest.ok())
    return Finish(std::move(st), PluginState::State::kRefused, manifest.status().message());
  crm::Status loaded = LoadAndRegister(st.file, *manifest);
  if (!loaded.ok()) return Finish(std::move(st), PluginState::State::kFailed, loaded.message());
  return Finish(std::move(st), PluginState::State::kLoaded, "");
}

// Records and logs the outcome of one file: INFO when loaded, WARN refused, ERROR failed.
PluginState PluginManager::Finish(PluginState st, PluginState::State state, std::string error) {
  st.state = state;
  st.error = std::move(error);
  std::string who = st.file.filename().string() + (st.id.empty() ? "" : " (" + st.id + ")");
  if (state == PluginState::State::kLoaded) {
    log_.Info(kLog, "loaded " + who + " version " + st.version);
  } else if (state == PluginState::State::kRefused) {
    log_.Warn(kLog, "refused " + who + ": " + st.error);
  } else {
    log_.Error(kLog, "failed " + who + ": " + st.error);
  }
  states_.push_back(st);
  return st;
}

// 1. Everything that can be known from the file, before any of its code runs. Fills the
// manifest's id, name and version into `st` as soon as they are read.
crm::Result<PluginManifest> PluginManager::CheckFile(PluginState& st) const {
  namespace fs = std::filesystem;
  // A file or folder any local user may write is a way into the host process.
  for (const fs::path& p : {st.file, st.file.parent_path()}) {
    std::error_code ec;
    fs::file_status status = fs::status(p, ec);
    if (!ec && (status.permissions() & fs::perms::others_write) != fs::perms::none) {
      return crm::PermissionDenied(p.string() + " is writable by any user (chmod o-w)");
    }
  }
  CRM_ASSIGN_OR_RETURN(ElfPluginFile elf, ReadElfPluginFile(st.file));
  if (!elf.manifest_text) {
    return crm::InvalidArgument(std::string("no plugin manifest (section ") +
                                CRM_PLUGIN_MANIFEST_SECTION + "): not a CRM plugin");
  }
  auto manifest = ParseManifest(*elf.manifest_text);
  if (!manifest.ok()) return crm::InvalidArgument("bad manifest: " + manifest.status().message());
  st.id = manifest->id;
  st.name = manifest->name;
  st.version = manifest->version;
  if (!IsValidPluginId(manifest->id)) {
    return crm::InvalidArgument("invalid plugin id \"" + manifest->id +
                                "\" (lowercase letters, digits, - and _; not \"host\")");
  }
  CRM_RETURN_IF_ERROR(CheckManifestCompatible(*manifest, CRM_HOST_API_MAJOR, CRM_HOST_API_MINOR,
                                              CRM_TOOLCHAIN_FINGERPRINT));
  if (manifest->entry != CRM_PLUGIN_ENTRY_SYMBOL) {
    return crm::InvalidArgument("manifest names entry \"" + manifest->entry +
                                "\", this host calls \"" + CRM_PLUGIN_ENTRY_SYMBOL + "\"");
  }
  if (!elf.Exports(CRM_PLUGIN_ENTRY_SYMBOL)) {
    return crm::InvalidArgument(std::string("missing entry symbol ") + CRM_PLUGIN_ENTRY_SYMBOL +
                                " (not exported by the library)");
  }
  for (const auto& other : states_) {
    if (other.state == PluginState::State::kLoaded && other.id == manifest->id) {
      return crm::Conflict("duplicate plugin id " + manifest->id + ": already loaded from " +
                           other.file.string());
    }
  }
  return manifest;
}

// 2-4. From here on plugin code runs; every error is a failure (kFailed).
crm::Status PluginManager::LoadAndRegister(const std::filesystem::path& file,
                                           const PluginManifest& manifest) {
  CRM_ASSIGN_OR_RETURN(Opened opened, Open(file, manifest.id));
  CRM_ASSIGN_OR_RETURN(StagedRegistrations staged, RunEntry(opened, manifest.id));
  WarnMissingTranslations(staged);
  staged.keep_alive = std::shared_ptr<void>(opened.library, opened.library.get());

  // 4. Migrations, then make the hooks visible (all or nothing).
  CRM_RETURN_IF_ERROR(ApplyMigrations(db_, manifest.id, staged.migrations));
  crm::Status committed = registry_.Commit(std::move(staged));
  if (!committed.ok()) return crm::Conflict("registrations clash: " + committed.message());
  return crm::Status::Ok();
}

// 2. Load (static constructors run), find the entry, make the plugin's services. The
// library is kept for the process even when a later step fails.
crm::Result<PluginManager::Opened> PluginManager::Open(const std::filesystem::path& file,
                                                       const std::string& id) {
  auto library = std::make_shared<boost::dll::shared_library>();
  std::error_code load_error;
  library->load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local,
                load_error);
  if (load_error || !library->is_loaded()) {
    const char* why = dlerror();
    return crm::Internal(std::string("the library does not load: ") +
                         (why ? why : load_error.message()));
  }
  auto kept = std::make_unique<Loaded>();
  kept->library = library;
  if (!library->has(CRM_PLUGIN_ENTRY_SYMBOL)) {
    kept_.push_back(std::move(kept));
    return crm::Internal(std::string("entry symbol ") + CRM_PLUGIN_ENTRY_SYMBOL +
                         " not found by dlsym");
  }
  Opened opened{library, &library->get<CrmPluginEntryFn>(CRM_PLUGIN_ENTRY_SYMBOL), nullptr};
  kept->services = factory_ ? factory_(id) : nullptr;
  opened.services = kept->services.get();
  kept_.push_back(std::move(kept));
  if (!opened.services) return crm::Internal("the host could not create its services");
  return opened;
}

// 3. The entry registers into a staging area; nothing is visible yet.
crm::Result<StagedRegistrations> PluginManager::RunEntry(const Opened& opened,
                                                         const std::string& id) {
  StagingRegistrar registrar(id);
  crm::Status outcome = crm::Internal("the plugin entry did not report an outcome");
  // Policy: an entry that throws (its CRM_PLUGIN wrapper should have caught it) fails the
  // plugin: CallPlugin logs the exception, Finish the plugin's outcome.
  CRM_RETURN_IF_ERROR(CallPlugin(log_, "the plugin entry",
                                 [&] { opened.entry(&registrar, opened.services, &outcome); }));
  if (!outcome.ok()) return crm::Internal("the plugin entry failed: " + outcome.ToString());
  if (!registrar.first_error().ok()) {
    return crm::Internal("a registration was refused: " + registrar.first_error().ToString());
  }
  return registrar.Take();
}

}  // namespace host
