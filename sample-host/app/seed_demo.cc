// sample-host/app/seed_demo.cc — the demo seed: fixed pools of French, Dutch and English names and
// of Belgian, French and Dutch places, combined by a seeded generator so every demo looks alike.
#include "sample-host/app/seed_demo.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace host {
namespace {

struct Place {
  const char* city;
  const char* postal_code;
  const char* region;
  const char* country;
  const char* language;  // the language most people speak there
};

constexpr Place kPlaces[] = {
    {"Bruxelles", "1000", "Bruxelles-Capitale", "BE", "fr"},
    {"Ixelles", "1050", "Bruxelles-Capitale", "BE", "fr"},
    {"Liège", "4000", "Wallonie", "BE", "fr"},
    {"Namur", "5000", "Wallonie", "BE", "fr"},
    {"Charleroi", "6000", "Wallonie", "BE", "fr"},
    {"Mons", "7000", "Wallonie", "BE", "fr"},
    {"Antwerpen", "2000", "Vlaanderen", "BE", "nl"},
    {"Gent", "9000", "Vlaanderen", "BE", "nl"},
    {"Brugge", "8000", "Vlaanderen", "BE", "nl"},
    {"Leuven", "3000", "Vlaanderen", "BE", "nl"},
    {"Hasselt", "3500", "Vlaanderen", "BE", "nl"},
    {"Paris", "75011", "Île-de-France", "FR", "fr"},
    {"Lyon", "69003", "Auvergne-Rhône-Alpes", "FR", "fr"},
    {"Lille", "59000", "Hauts-de-France", "FR", "fr"},
    {"Bordeaux", "33000", "Nouvelle-Aquitaine", "FR", "fr"},
    {"Strasbourg", "67000", "Grand Est", "FR", "fr"},
    {"Amsterdam", "1012 AB", "Noord-Holland", "NL", "nl"},
    {"Rotterdam", "3011 AD", "Zuid-Holland", "NL", "nl"},
    {"Utrecht", "3511 LN", "Utrecht", "NL", "nl"},
    {"Maastricht", "6211 CS", "Limburg", "NL", "nl"},
};

constexpr const char* kFrFirst[] = {
    "Marie",  "Jean",  "Camille", "Louis",    "Chloé",   "Lucas",  "Léa",     "Hugo",   "Manon",
    "Nathan", "Élise", "Théo",    "Juliette", "Antoine", "Sophie", "Nicolas", "Amélie", "François"};
constexpr const char* kFrLast[] = {"Dupont",   "Lefèvre", "Martin",  "Bernard", "Dubois", "Lambert",
                                   "Moreau",   "Laurent", "Simon",   "Michel",  "Leroy",  "Roux",
                                   "Fournier", "Girard",  "Mercier", "Dumont",  "Denis",  "Renard"};
constexpr const char* kNlFirst[] = {"Jan",  "Els",  "Pieter", "Sofie", "Bram", "Lotte",
                                    "Wout", "Anke", "Joris",  "Fien",  "Lars", "Marieke",
                                    "Tom",  "Lien", "Stijn",  "Eva",   "Koen", "Griet"};
constexpr const char* kNlLast[] = {"Peeters",      "Janssens",  "Maes",     "Jacobs",  "Mertens",
                                   "Willems",      "Claes",     "Goossens", "Wouters", "De Smet",
                                   "Van den Berg", "De Vries",  "Bakker",   "Visser",  "Smit",
                                   "Vermeulen",    "Van Damme", "De Backer"};
constexpr const char* kEnFirst[] = {"James", "Emily",  "Oliver", "Charlotte", "William", "Amelia",
                                    "Harry", "Olivia", "George", "Isla",      "Jack",    "Grace"};
constexpr const char* kEnLast[] = {"Smith",   "Jones",  "Taylor", "Brown",  "Williams", "Wilson",
                                   "Johnson", "Davies", "Evans",  "Thomas", "Walker",   "Wright"};
constexpr const char* kFrStreets[] = {
    "Rue de la Loi",        "Avenue Louise",     "Rue Neuve",      "Boulevard Haussmann",
    "Rue de la République", "Chaussée de Namur", "Rue des Carmes", "Place Saint-Lambert"};
constexpr const char* kNlStreets[] = {"Kerkstraat",      "Stationsstraat", "Meir",
                                      "Veldstraat",      "Dorpsstraat",    "Molenstraat",
                                      "Bondgenotenlaan", "Oudegracht"};
constexpr const char* kCompanies[] = {"",
                                      "",
                                      "",
                                      "Atelier Lumière SRL",
                                      "Brouwerij De Kroon BV",
                                      "Cabinet Moreau",
                                      "Bakkerij Peeters",
                                      "Studio Nord SA",
                                      "Van Damme & Zonen NV",
                                      "Thames Consulting Ltd"};
constexpr const char* kTags[] = {"vip", "newsletter", "prospect", "partner", "b2b"};

template <typename T, size_t N>
const T& Pick(std::mt19937& rng, const T (&arr)[N]) {
  return arr[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

// ASCII, lower-case local part for an email from a name ("Élise De Smet" -> "elise.de-smet").
std::string EmailPart(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    if (ch == 0xC3 && i + 1 < s.size()) {  // the accented Latin-1 letters used above
      unsigned char n = static_cast<unsigned char>(s[++i]);
      if (n >= 0xA0 && n <= 0xA5)
        out += 'a';
      else if (n == 0xA7)
        out += 'c';
      else if (n >= 0xA8 && n <= 0xAB)
        out += 'e';
      else if (n >= 0x88 && n <= 0x8B)
        out += 'e';
      else if (n >= 0xAC && n <= 0xAF)
        out += 'i';
      else if (n >= 0xB2 && n <= 0xB6)
        out += 'o';
      else if (n >= 0xB9 && n <= 0xBC)
        out += 'u';
      continue;
    }
    if (std::isalnum(ch))
      out += static_cast<char>(std::tolower(ch));
    else if (ch == ' ' || ch == '-' || ch == '&')
      out += '-';
  }
  return out;
}

Client MakeClient(std::mt19937& rng, int64_t n, const char* domain) {
  const Place& place = Pick(rng, kPlaces);
  int lang_roll = std::uniform_int_distribution<int>(0, 9)(rng);
  std::string lang = lang_roll == 0 ? "en" : place.language;
  Client c;
  if (lang == "fr") {
    c.first_name = Pick(rng, kFrFirst);
    c.last_name = Pick(rng, kFrLast);
  } else if (lang == "nl") {
    c.first_name = Pick(rng, kNlFirst);
    c.last_name = Pick(rng, kNlLast);
  } else {
    c.first_name = Pick(rng, kEnFirst);
    c.last_name = Pick(rng, kEnLast);
  }
  c.language = lang;
  c.email = EmailPart(c.first_name) + "." + EmailPart(c.last_name) + "." + std::to_string(n) + "@" +
            domain;
  std::string country = place.country;
  std::string phone_prefix = country == "BE" ? "+32 " : country == "FR" ? "+33 " : "+31 ";
  auto digits = [&](int k) {
    std::string d;
    for (int i = 0; i < k; ++i)
      d += static_cast<char>('0' + std::uniform_int_distribution<int>(0, 9)(rng));
    return d;
  };
  c.phone = phone_prefix + std::to_string(std::uniform_int_distribution<int>(2, 9)(rng)) + " " +
            digits(3) + " " + digits(2) + " " + digits(2);
  c.mobile = phone_prefix + "4" + digits(2) + " " + digits(2) + " " + digits(2) + " " + digits(2);
  std::string street = std::string(
      std::string_view(place.language) == "fr" ? Pick(rng, kFrStreets) : Pick(rng, kNlStreets));
  int number = std::uniform_int_distribution<int>(1, 180)(rng);
  // France writes the number first; Belgium and the Netherlands after the street.
  c.address.street = country == "FR" ? std::to_string(number) + " " + street
                                     : street + " " + std::to_string(number);
  c.address.postal_code = place.postal_code;
  c.address.city = place.city;
  c.address.region = place.region;
  c.address.country = country;
  c.company = Pick(rng, kCompanies);
  if (!c.company.empty()) {
    c.vat_number = country + digits(10);
  }
  int year = std::uniform_int_distribution<int>(1945, 2004)(rng);
  int month = std::uniform_int_distribution<int>(1, 12)(rng);
  int day = std::uniform_int_distribution<int>(1, 28)(rng);
  char date[16];
  std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, month, day);
  c.birth_date = date;
  if (std::uniform_int_distribution<int>(0, 4)(rng) == 0) c.tags.push_back(Pick(rng, kTags));
  if (std::uniform_int_distribution<int>(0, 9)(rng) == 0) c.tags.push_back(Pick(rng, kTags));
  return c;
}

}  // namespace

crm::Result<bool> DatabaseIsEmpty(crm::Database& db) {
  auto row =
      db.QueryOne("SELECT (SELECT COUNT(*) FROM clients) + (SELECT COUNT(*) FROM admin_users)");
  if (!row.ok()) return row.status();
  return (*row)->Int(0) == 0;
}

crm::Result<DemoCredentials> SeedDemo(crm::Database& db, ClientStore& clients, Auth& auth,
                                      int clients_count) {
  auto empty = DatabaseIsEmpty(db);
  if (!empty.ok()) return empty.status();
  if (!*empty)
    return crm::Conflict("the database already holds data; demo data goes only into an empty one");
  DemoCredentials out;
  out.admin_email = "admin@example.com";
  out.admin_password = GeneratePassword();
  CRM_RETURN_IF_ERROR(
      auth.CreateAdmin(out.admin_email, "Demo Admin", out.admin_password, "en").status());
  std::mt19937 rng(20261122);
  for (int i = 1; i <= clients_count; ++i) {
    auto c = clients.Create(MakeClient(rng, i, "example.com"));
    if (!c.ok()) return c.status();
    ++out.clients_created;
    if (i <= 3) {
      // Three clients with a working reserved-area login, one per language where possible.
      std::string password = GeneratePassword();
      CRM_RETURN_IF_ERROR(auth.SetClientPassword(c->id, password));
      CRM_RETURN_IF_ERROR(clients.SetLoginEnabled(c->id, true));
      CRM_RETURN_IF_ERROR(
          db.Exec("UPDATE clients SET email_confirmed = 1 WHERE id = ?", {c->id}).status());
      out.client_logins.emplace_back(c->email, password);
    }
  }
  return out;
}

namespace {

constexpr int kBulkRowsPerInsert = 100;
constexpr int kBulkColumns = 18;

// Index and trigger definitions of the clients' tables, as stored (sqlite_master), so that
// they are rebuilt exactly as the migrations made them.
struct SchemaObjects {
  std::vector<std::pair<std::string, std::string>> indexes;   // name, CREATE statement
  std::vector<std::pair<std::string, std::string>> triggers;  // name, CREATE statement
};

// For a large batch, the clients' indexes are dropped and rebuilt from their own stored
// definitions: building an index from scratch sorts once, far cheaper than a million random
// insertions into nine B-trees. The search index's triggers (schema 6) go the same way: the
// index is rebuilt in one pass at the end instead of a million trigger-driven insertions.
crm::Result<SchemaObjects> DropClientIndexes(crm::SqlExecutor& tx) {
  SchemaObjects objects;
  CRM_ASSIGN_OR_RETURN(
      auto rows,
      tx.QueryAll("SELECT name, sql, type FROM sqlite_master WHERE type IN ('index', 'trigger') "
                  "AND tbl_name IN ('clients', 'client_tags') AND sql IS NOT NULL"));
  for (const auto& r : rows) {
    (r.Text(2) == "index" ? objects.indexes : objects.triggers).emplace_back(r.Text(0), r.Text(1));
  }
  // Names come from sqlite_master, not from input; quoted all the same.
  for (const auto& [name, sql] : objects.indexes) {
    CRM_RETURN_IF_ERROR(tx.Exec("DROP INDEX \"" + name + "\"").status());
  }
  for (const auto& [name, sql] : objects.triggers) {
    CRM_RETURN_IF_ERROR(tx.Exec("DROP TRIGGER \"" + name + "\"").status());
  }
  return objects;
}

// The new clients' set changes (schema 24), which the dropped triggers did not insert.
crm::Status AddSeededClientsToSets(crm::SqlExecutor& tx, int64_t after_id) {
  for (std::string_view key : {"'clients'", "'region:' || region", "'language:' || language"}) {
    CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO client_set_changes (set_key, client_id, member) "
                                "SELECT " +
                                    std::string(key) + ", id, 1 FROM clients WHERE id > ?",
                                {after_id})
                            .status());
  }
  return crm::Status::Ok();
}

crm::Status RestoreClientIndexes(crm::SqlExecutor& tx, const SchemaObjects& objects,
                                 int64_t seeded_after_id) {
  for (const auto& [name, sql] : objects.indexes) CRM_RETURN_IF_ERROR(tx.Exec(sql).status());
  if (objects.triggers.empty()) return crm::Status::Ok();
  // The search index of schema 16 holds folded text of its own: fill it again in one pass.
  CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM clients_search").status());
  CRM_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO clients_search (rowid, folded) SELECT id, crm_fold(first_name || ' ' ||"
              " last_name || ' ' || email || ' ' || company) FROM clients")
          .status());
  for (const auto& [name, sql] : objects.triggers) CRM_RETURN_IF_ERROR(tx.Exec(sql).status());
  CRM_RETURN_IF_ERROR(AddSeededClientsToSets(tx, seeded_after_id));
  // The counters of schema 15 were not kept either: count them again, once.
  return tx
      .Exec(
          "DELETE FROM client_counts;"
          "INSERT INTO client_counts (kind, value, n) SELECT '', '', COUNT(*) FROM clients;"
          "INSERT INTO client_counts (kind, value, n)"
          " SELECT 'region', region, COUNT(*) FROM clients GROUP BY region;"
          "INSERT INTO client_counts (kind, value, n)"
          " SELECT 'city', city, COUNT(*) FROM clients GROUP BY city;"
          "INSERT INTO client_counts (kind, value, n)"
          " SELECT 'postal_code', postal_code, COUNT(*) FROM clients GROUP BY postal_code;"
          "INSERT INTO client_counts (kind, value, n)"
          " SELECT 'language', language, COUNT(*) FROM clients GROUP BY language;"
          "INSERT INTO client_counts (kind, value, n)"
          " SELECT 'tag', tag, COUNT(*) FROM client_tags GROUP BY tag")
      .status();
}

// Inserts `rows` generated clients with ids first_id, first_id + 1, ... and their tags, in
// one INSERT (plus one for the tags). `full_sql` caches the statement of a full batch.
crm::Status InsertBulkBatch(crm::SqlExecutor& tx, std::mt19937& rng, int64_t first_id, int rows,
                            int64_t now, std::string& full_sql) {
  constexpr std::string_view kRow = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  std::string sql =
      "INSERT INTO clients (id, first_name, last_name, birth_date, email, phone, mobile, street, "
      "postal_code, city, region, country, language, company, vat_number, created_at, updated_at, "
      "tax_code) VALUES ";
  crm::SqlParams params;
  params.reserve(static_cast<size_t>(rows) * kBulkColumns);
  crm::SqlParams tag_params;
  std::string tag_sql;
  for (int r = 0; r < rows; ++r) {
    int64_t id = first_id + r;
    Client c = MakeClient(rng, id, "example.org");
    int64_t created = now - std::uniform_int_distribution<int64_t>(0, 3 * 365 * 86400)(rng);
    if (r) sql += ",";
    sql += kRow;
    params.insert(params.end(), {id, c.first_name, c.last_name, c.birth_date, c.email, c.phone,
                                 c.mobile, c.address.street, c.address.postal_code, c.address.city,
                                 c.address.region, c.address.country, c.language, c.company,
                                 c.vat_number, created, created, std::string()});
    for (const auto& t : c.tags) {
      tag_sql +=
          tag_sql.empty() ? "INSERT INTO client_tags (client_id, tag) VALUES (?,?)" : ",(?,?)";
      tag_params.push_back(id);
      tag_params.push_back(t);
    }
  }
  if (rows == kBulkRowsPerInsert && full_sql.empty()) full_sql = sql;
  CRM_RETURN_IF_ERROR(tx.Exec(rows == kBulkRowsPerInsert ? full_sql : sql, params).status());
  if (!tag_sql.empty()) {
    CRM_RETURN_IF_ERROR(tx.Exec(tag_sql + " ON CONFLICT DO NOTHING", tag_params).status());
  }
  return crm::Status::Ok();
}

// PostgreSQL (the bulk path of a million clients in minutes, not tens of minutes): the
// clients go in 10,000 per statement as one JSON parameter (json_to_recordset), with the
// clients' and tags' indexes dropped first and built again at the end from their own stored
// definitions (pg_get_indexdef), so the trigram index is built once, not updated a million
// times. The primary keys stay. The counters of schema 15 stay right by themselves: their
// statement-level triggers see each statement's rows. ANALYZE last: the planner's statistics
// of the empty tables would make every list plan a bad guess.
constexpr int kPgRowsPerInsert = 10000;

crm::Result<std::vector<std::string>> DropClientIndexesPg(crm::SqlExecutor& tx) {
  CRM_ASSIGN_OR_RETURN(
      auto rows,
      tx.QueryAll("SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
                  " JOIN pg_class c ON c.oid = x.indexrelid"
                  " WHERE x.indrelid IN ('clients'::regclass, 'client_tags'::regclass)"
                  " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)"
                  " ORDER BY c.relname"));
  std::vector<std::string> definitions;
  for (const auto& r : rows) {
    // Names come from the catalogue, not from input; quoted all the same.
    CRM_RETURN_IF_ERROR(tx.Exec("DROP INDEX \"" + r.Text(0) + "\"").status());
    definitions.push_back(r.Text(1));
  }
  return definitions;
}

crm::Status InsertBulkBatchPg(crm::SqlExecutor& tx, std::mt19937& rng, int64_t first_id, int rows,
                              int64_t now) {
  boost::json::array clients, tags;
  clients.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    int64_t id = first_id + r;
    Client c = MakeClient(rng, id, "example.org");
    int64_t created = now - std::uniform_int_distribution<int64_t>(0, 3 * 365 * 86400)(rng);
    clients.push_back(boost::json::object{{"id", id},
                                          {"first_name", c.first_name},
                                          {"last_name", c.last_name},
                                          {"birth_date", c.birth_date},
                                          {"email", c.email},
                                          {"phone", c.phone},
                                          {"mobile", c.mobile},
                                          {"street", c.address.street},
                                          {"postal_code", c.address.postal_code},
                                          {"city", c.address.city},
                                          {"region", c.address.region},
                                          {"country", c.address.country},
                                          {"language", c.language},
                                          {"company", c.company},
                                          {"vat_number", c.vat_number},
                                          {"created_at", created}});
    for (const auto& t : c.tags) tags.push_back(boost::json::object{{"client_id", id}, {"tag", t}});
  }
  CRM_RETURN_IF_ERROR(
      tx.Exec("INSERT INTO clients (id, first_name, last_name, birth_date, email, phone, mobile,"
              " street, postal_code, city, region, country, language, company, vat_number,"
              " created_at, updated_at, tax_code) SELECT id, first_name, last_name, birth_date,"
              " email, phone, mobile, street, postal_code, city, region, country, language,"
              " company, vat_number, created_at, created_at, '' FROM json_to_recordset(?::json)"
              " AS r(id BIGINT, first_name TEXT, last_name TEXT, birth_date TEXT, email TEXT,"
              " phone TEXT, mobile TEXT, street TEXT, postal_code TEXT, city TEXT, region TEXT,"
              " country TEXT, language TEXT, company TEXT, vat_number TEXT, created_at BIGINT)",
              {boost::json::serialize(clients)})
          .status());
  if (tags.empty()) return crm::Status::Ok();
  return tx
      .Exec(
          "INSERT INTO client_tags (client_id, tag) SELECT client_id, tag"
          " FROM json_to_recordset(?::json) AS r(client_id BIGINT, tag TEXT)"
          " ON CONFLICT DO NOTHING",
          {boost::json::serialize(tags)})
      .status();
}

crm::Result<int64_t> SeedBulkClientsPg(crm::Database& db, int64_t count, int64_t now) {
  CRM_ASSIGN_OR_RETURN(auto max_id, db.QueryOne("SELECT COALESCE(MAX(id), 0) FROM clients"));
  const int64_t base = max_id->Int(0);
  crm::Status s = db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    std::mt19937 rng(static_cast<uint32_t>(now));  // here: a retried body makes the same rows
    std::vector<std::string> dropped;
    if (count >= 10000) {
      CRM_ASSIGN_OR_RETURN(dropped, DropClientIndexesPg(tx));
    }
    for (int64_t done = 0; done < count;) {
      int rows = static_cast<int>(std::min<int64_t>(kPgRowsPerInsert, count - done));
      CRM_RETURN_IF_ERROR(InsertBulkBatchPg(tx, rng, base + done + 1, rows, now));
      done += rows;
    }
    // Each index is built by one sort (the trigram index: one pass) in this much memory.
    CRM_RETURN_IF_ERROR(tx.Exec("SET LOCAL maintenance_work_mem = '512MB'").status());
    for (const std::string& definition : dropped) CRM_RETURN_IF_ERROR(tx.Exec(definition).status());
    // The ids were given: the identity's sequence must continue after them.
    CRM_RETURN_IF_ERROR(
        tx.Exec("SELECT setval(pg_get_serial_sequence('clients', 'id'), MAX(id)) FROM clients")
            .status());
    return tx.Exec("ANALYZE clients, client_tags").status();
  });
  if (!s.ok()) return s;
  return count;
}

}  // namespace

crm::Result<int64_t> SeedBulkClients(crm::Database& db, int64_t count, int64_t now) {
  if (db.Dialect() == crm::SqlDialect::kPostgresql) return SeedBulkClientsPg(db, count, now);
  CRM_ASSIGN_OR_RETURN(auto max_id, db.QueryOne("SELECT COALESCE(MAX(id), 0) FROM clients"));
  const int64_t base = max_id->Int(0);
  int64_t inserted = 0;
  crm::Status s = db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    std::mt19937 rng(static_cast<uint32_t>(now));
    // A big cache keeps the transaction's pages in memory instead of spilling them to the
    // WAL again and again. All inside the one transaction.
    CRM_RETURN_IF_ERROR(tx.Exec("PRAGMA cache_size = -262144").status());
    SchemaObjects dropped;
    if (count >= 10000) {
      CRM_ASSIGN_OR_RETURN(dropped, DropClientIndexes(tx));
    }
    std::string full_sql;
    for (int64_t done = 0; done < count;) {
      int rows = static_cast<int>(std::min<int64_t>(kBulkRowsPerInsert, count - done));
      CRM_RETURN_IF_ERROR(InsertBulkBatch(tx, rng, base + done + 1, rows, now, full_sql));
      done += rows;
      inserted = done;
    }
    CRM_RETURN_IF_ERROR(RestoreClientIndexes(tx, dropped, base));
    // Back to SQLite's default, so the pooled connection does not keep 256 MiB.
    return tx.Exec("PRAGMA cache_size = -2000").status();
  });
  if (!s.ok()) return s;
  return inserted;
}

}  // namespace host
