// tests/plugins/no_manifest_plugin.cc — a plain shared library with no manifest section (but
// with the entry's name): refused as "not a CRM plugin" before loading.
#include "host-api/plugin.h"
#include "tests/plugins/marker.h"

CRM_TEST_WRITE_MARKER_ON_LOAD("no_manifest")

CRM_PLUGIN_EXPORT void crm_plugin_entry_v1(crm::Registrar*, crm::HostServices*,
                                           crm::Status* out) noexcept {
  *out = crm::Status::Ok();
}
