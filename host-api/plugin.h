// host-api/plugin.h — what a plugin library exports: a manifest (read by the host from
// the file, before loading) and one entry function. Include this in exactly one file of the plugin.
#pragma once

#include <exception>
#include <string>

#include "registrar.h"
#include "services.h"
#include "status.h"
#include "version.h"

// The entry's C signature. `registrar` and `host` are never null; the host keeps
// `host` alive for the life of the process. The entry writes its outcome to *out and
// must not throw (CRM_PLUGIN does the catching).
using CrmPluginEntryFn = void(crm::Registrar* registrar, crm::HostServices* host, crm::Status* out);

#define CRM_PLUGIN_EXPORT extern "C" __attribute__((visibility("default")))

// The manifest record: "key=value" lines in a dedicated ELF section. Written by hand
// only by the loader tests' deliberately bad plugins; real plugins use CRM_PLUGIN.
#define CRM_PLUGIN_MANIFEST_RAW(text)                                           \
  CRM_PLUGIN_EXPORT __attribute__((used, section(CRM_PLUGIN_MANIFEST_SECTION))) \
  const char crm_plugin_manifest[] = "crm-plugin-manifest/1\n" text

#define CRM_PLUGIN_MANIFEST(id, name, version)                                       \
  CRM_PLUGIN_MANIFEST_RAW(                                                           \
      "id=" id "\nname=" name "\nversion=" version                                   \
      "\napi_major=" CRM_STRINGIFY(CRM_HOST_API_MAJOR) "\napi_minor=" CRM_STRINGIFY( \
          CRM_HOST_API_MINOR) "\ntoolchain=" CRM_TOOLCHAIN_FINGERPRINT               \
                              "\nentry=" CRM_PLUGIN_ENTRY_SYMBOL "\n")

// Declares a plugin: its manifest and an entry that calls
//   crm::Status entry_function(crm::Registrar&, crm::HostServices&)
// and turns any exception into a Status, so none crosses the boundary.
#define CRM_PLUGIN(id, name, version, entry_function)                                            \
  CRM_PLUGIN_MANIFEST(id, name, version);                                                        \
  CRM_PLUGIN_EXPORT void crm_plugin_entry_v1(crm::Registrar* registrar, crm::HostServices* host, \
                                             crm::Status* out) noexcept {                        \
    try {                                                                                        \
      *out = entry_function(*registrar, *host);                                                  \
    } catch (const std::exception& e) {                                                          \
      *out = crm::Internal(std::string("plugin entry threw: ") + e.what());                      \
    } catch (...) {                                                                              \
      *out = crm::Internal("plugin entry threw a non-standard exception");                       \
    }                                                                                            \
  }
