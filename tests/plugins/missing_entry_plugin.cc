// tests/plugins/missing_entry_plugin.cc — a valid manifest but no exported entry function:
// refused from the file's dynamic symbol table, without loading it.
#include "host-api/plugin.h"

CRM_PLUGIN_MANIFEST("test-missing-entry", "Missing entry", "1.0.0");

// Exported, but not the entry: the check must look for the right name.
CRM_PLUGIN_EXPORT int crm_plugin_entry_v0() { return 0; }
