// tests/plugins/missing_entry_plugin.cc — a valid manifest but no exported entry function:
// refused from the file's dynamic symbol table, without loading it.
#include "host-api/plugin.h"
#include "tests/plugins/marker.h"

CRM_TEST_WRITE_MARKER_ON_LOAD("missing_entry")

CRM_PLUGIN_MANIFEST("test-missing-entry", "Missing entry", "1.0.0");

// Exported, but not the entry: the check must look for the right name.
CRM_PLUGIN_EXPORT int crm_plugin_entry_v0() { return 0; }
