// tests/plugins/wrong_major_plugin.cc — declares host API major 2: must be refused before dlopen,
// which the static constructor's marker file proves (it must never appear).
#include "host-api/plugin.h"
#include "tests/plugins/marker.h"

CRM_TEST_WRITE_MARKER_ON_LOAD("wrong_major")

CRM_PLUGIN_MANIFEST_RAW(
    "id=test-wrong-major\nname=Wrong major\nversion=1.0.0\napi_major=2\napi_minor=0\n"
    "toolchain=" CRM_TOOLCHAIN_FINGERPRINT "\nentry=" CRM_PLUGIN_ENTRY_SYMBOL "\n");

CRM_PLUGIN_EXPORT void crm_plugin_entry_v1(crm::Registrar*, crm::HostServices*,
                                           crm::Status* out) noexcept {
  *out = crm::Status::Ok();
}
