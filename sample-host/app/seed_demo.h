// sample-host/app/seed_demo.h — demo data (SPEC H9): an admin, realistic Belgian/French/Dutch
// clients, client logins, and a fast bulk path (--demo-clients N) to try the list on a million
// rows.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/auth.h"
#include "sample-host/app/client_store.h"

namespace host {

struct DemoCredentials {
  std::string admin_email;
  std::string admin_password;  // random, shown once
  // (email, password) of the clients whose reserved-area login is on.
  std::vector<std::pair<std::string, std::string>> client_logins;
  int64_t clients_created = 0;
};

// True when the database holds no client and no admin (demo data only goes there).
crm::Result<bool> DatabaseIsEmpty(crm::Database& db);

// Seeds admin@example.com (random password, every permission), `clients` clients with
// names, addresses, languages and tags, and three client logins (email confirmed).
// kConflict when the database is not empty: demo data never mixes with real data.
crm::Result<DemoCredentials> SeedDemo(crm::Database& db, ClientStore& clients, Auth& auth,
                                      int clients_count = 50);

// Inserts `count` generated clients (about 1 in 5 with a tag) in ONE transaction with
// multi-row INSERTs. Emails are unique ("first.last.N@example.org"). Returns the number
// inserted. For load tests of the list; `now` stamps created_at (spread over 3 years before it).
crm::Result<int64_t> SeedBulkClients(crm::Database& db, int64_t count, int64_t now);

}  // namespace host
