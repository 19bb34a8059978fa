// host-api/version.h — the host-API version and the toolchain fingerprint.
// A plugin records both in its manifest; the host refuses a mismatch before running any plugin
// code.
#pragma once

#include <boost/version.hpp>
#include <cstddef>  // defines __GLIBCXX__ / _LIBCPP_VERSION

// Rule, checked by the host before loading (sample-host/core/elf_manifest.h,
// CheckManifestCompatible): majors equal, plugin minor <= host minor. A plugin declares the
// minor of the headers it was built with. Bump the minor for additions that old plugins can
// ignore; bump the major for any change of an existing type, signature or meaning.
#define CRM_HOST_API_MAJOR 1
// 1: Registrar::AddDemoSeeder; 2: Registrar::AddListFilterCount, Request::RemoteAddress;
// 3: Database::Dialect (and migrations per dialect, see host-api/hooks.h Migration),
//    Registrar::AddScheduledJobRunAtStart, HostServices::Files (ObjectStore::Put),
//    Response::SendObject, HostServices::LockClient, HostServices::Contracts and ::Tasks
//    (contracts.h); 4: Registrar::AddListFilterSize (a filter's exact size from counters, so
//    the host counts a list's total as cheaply as its page, or bounds it: SPEC §6 "Lists at
//    scale", "total_exact": false), HostServices::ClientIdsAfter (walking every client),
//    Registrar::AddMaintenanceCommand (MaintenanceCommand, CommandReport) and
//    Registrar::RequireListAccess (ListAccess); 5: Registrar::AddAccountHomeSection
//    (AccountHomeSection: a section of the client's reserved-area home) and
//    HostServices::TimeZoneName / ::UtcOffsetSeconds (the host's time-zone setting);
//    6: client sets (hooks.h, "Host API 1.6"); 7: ObjectStore::MinPartSize, StartParts, PutPart,
//    CompleteParts, AbortParts (an object written in parts across requests and nodes: S3's
//    multipart upload).
#define CRM_HOST_API_MINOR 7

#define CRM_STRINGIFY_IMPL(x) #x
#define CRM_STRINGIFY(x) CRM_STRINGIFY_IMPL(x)

#if defined(__clang__)
#define CRM_COMPILER_ID "clang " __clang_version__
#elif defined(__GNUC__)
#define CRM_COMPILER_ID "gcc " __VERSION__
#else
#define CRM_COMPILER_ID "unknown-compiler"
#endif

#if defined(_LIBCPP_VERSION)
#define CRM_STDLIB_ID "libc++ " CRM_STRINGIFY(_LIBCPP_VERSION)
#elif defined(__GLIBCXX__)
#define CRM_STDLIB_ID \
  "libstdc++ " CRM_STRINGIFY(__GLIBCXX__) " abi" CRM_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#else
#define CRM_STDLIB_ID "unknown-stdlib"
#endif

// The contract passes C++ types (std::string, std::function, virtual interfaces), so
// both sides must agree on compiler, standard library and Boost. This string says
// which ones a binary was built with; the host compares it byte for byte.
#define CRM_TOOLCHAIN_FINGERPRINT    \
  CRM_COMPILER_ID "; " CRM_STDLIB_ID \
                  "; boost " CRM_STRINGIFY(BOOST_VERSION) "; c++" CRM_STRINGIFY(__cplusplus)

// Name of the single exported entry function. Versioned by major so that a host of
// another major can never call it by mistake.
#define CRM_PLUGIN_ENTRY_SYMBOL "crm_plugin_entry_v1"
// ELF section that holds the manifest text; the host reads it from the file without
// loading the library (no static constructor of the plugin runs before the check).
#define CRM_PLUGIN_MANIFEST_SECTION ".crm_manifest"
