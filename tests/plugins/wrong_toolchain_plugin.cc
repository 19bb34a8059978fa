// tests/plugins/wrong_toolchain_plugin.cc — claims another compiler/stdlib/Boost: passing C++ types
// across such a boundary is undefined, so the host must refuse it before loading.
#include "host-api/plugin.h"
#include "tests/plugins/marker.h"

CRM_TEST_WRITE_MARKER_ON_LOAD("wrong_toolchain")

CRM_PLUGIN_MANIFEST_RAW("id=test-wrong-toolchain\nname=Wrong toolchain\nversion=1.0.0\napi_major=" CRM_STRINGIFY(
    CRM_HOST_API_MAJOR) "\napi_minor=0\ntoolchain=clang 3.0; libc++ 1; boost 100000; c++201103\nentry=" CRM_PLUGIN_ENTRY_SYMBOL
                        "\n");

CRM_PLUGIN_EXPORT void crm_plugin_entry_v1(crm::Registrar*, crm::HostServices*,
                                           crm::Status* out) noexcept {
  *out = crm::Status::Ok();
}
