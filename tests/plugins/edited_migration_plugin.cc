// tests/plugins/edited_migration_plugin.cc — built twice (CRM_EDITED_VARIANT 1 and 2) with the same
// id and migration version but different SQL, to prove an edited applied migration is refused.
#include "host-api/plugin.h"

namespace {
crm::Status Register(crm::Registrar& r, crm::HostServices&) {
#if CRM_EDITED_VARIANT == 1
  return r.AddMigration(
      {1, "0001_notes.sql", "CREATE TABLE edited_notes (id INTEGER PRIMARY KEY);"});
#else
  return r.AddMigration(
      {1, "0001_notes.sql", "CREATE TABLE edited_notes (id INTEGER PRIMARY KEY, text TEXT);"});
#endif
}
}  // namespace

CRM_PLUGIN("test-edited", "Edited migration", "1.0.0", Register)
