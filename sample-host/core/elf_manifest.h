// sample-host/core/elf_manifest.h — reads a plugin file WITHOUT loading it: ELF identity, the
// manifest section and the exported dynamic symbols, so a bad plugin is refused before any of its
// code runs.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/status.h"

namespace host {

// What the file says about itself, read from its bytes only.
struct ElfPluginFile {
  // Text of the CRM_PLUGIN_MANIFEST_SECTION section up to its first NUL; nullopt when
  // the file has no such section.
  std::optional<std::string> manifest_text;
  // Names of the defined, exported (global or weak, default or protected visibility)
  // symbols of .dynsym.
  std::vector<std::string> exported_symbols;

  bool Exports(std::string_view symbol) const;
};

// Reads `file`. kInvalidArgument "not a loadable library: <why>" unless it is an ELF64
// little-endian shared object (ET_DYN) for this machine; every offset is bounds-checked,
// so a truncated or hostile file yields an error, never a crash. kNotFound when the
// file cannot be read.
crm::Result<ElfPluginFile> ReadElfPluginFile(const std::filesystem::path& file);

// The parsed manifest (host-api/plugin.h, CRM_PLUGIN_MANIFEST).
struct PluginManifest {
  std::string id;
  std::string name;
  std::string version;
  int api_major = -1;
  int api_minor = -1;
  std::string toolchain;
  std::string entry;
  std::map<std::string, std::string> fields;  // every key=value line, including the above
};

// Parses manifest text: first line exactly "crm-plugin-manifest/1", then key=value lines.
// kInvalidArgument for a bad header, a line without '=', a missing id/version/api_major/
// api_minor/toolchain/entry, or non-numeric API versions.
crm::Result<PluginManifest> ParseManifest(std::string_view text);

// Compatibility with this host: majors equal, plugin minor <= host minor, toolchain
// fingerprint byte-identical (the message prints both). kFailedPrecondition does not
// exist in crm::StatusCode, so refusals are kConflict.
crm::Status CheckManifestCompatible(const PluginManifest& manifest, int host_major, int host_minor,
                                    std::string_view host_toolchain);

}  // namespace host
