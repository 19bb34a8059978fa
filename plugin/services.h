// plugin/services.h — the module's service objects, built once by the entry and shared by
// every hook and route (hooks/ owns the entry; tests build their own).
#pragma once

#include <memory>

#include "host-api/services.h"
#include "plugin/documents/document_service.h"
#include "plugin/file_store.h"
#include "plugin/journal/journal.h"
#include "plugin/settings_store.h"
#include "plugin/type_store.h"

namespace cd {

// Lives as long as the process (the host keeps the module loaded). Thread-safe.
class Services {
 public:
  // The file store: temp files in host.DataDir()/tmp, committed files in host.Files().
  explicit Services(crm::HostServices& host);

  crm::HostServices& host() { return host_; }
  TypeStore& types() { return types_; }
  SettingsStore& settings() { return settings_; }
  FileStore& files() { return files_; }
  DocumentService& documents() { return documents_; }
  Journal& journal() { return journal_; }

 private:
  crm::HostServices& host_;
  TypeStore types_;
  SettingsStore settings_;
  FileStore files_;
  DocumentService documents_;
  Journal journal_;
};

}  // namespace cd
