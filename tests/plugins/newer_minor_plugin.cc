// tests/plugins/newer_minor_plugin.cc — needs a host API minor (99) newer than the host's:
// must be refused before loading.
#include "host-api/plugin.h"
#include "tests/plugins/marker.h"

CRM_TEST_WRITE_MARKER_ON_LOAD("newer_minor")

CRM_PLUGIN_MANIFEST_RAW(
    "id=test-newer-minor\nname=Newer minor\nversion=1.0.0\napi_major=" CRM_STRINGIFY(
        CRM_HOST_API_MAJOR) "\napi_minor=99\ntoolchain=" CRM_TOOLCHAIN_FINGERPRINT
                            "\nentry=" CRM_PLUGIN_ENTRY_SYMBOL "\n");

CRM_PLUGIN_EXPORT void crm_plugin_entry_v1(crm::Registrar*, crm::HostServices*,
                                           crm::Status* out) noexcept {
  *out = crm::Status::Ok();
}
