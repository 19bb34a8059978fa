// tests/bench/bench_list.cc — list-page latency over many clients (issues 3, 4 and 10): seeds N
// clients (default 1,000,000) and 5 document types, then prints p50/p99 of 50-row pages through
// HTTP for every case of issue 10, and the throughput of 50 concurrent keep-alive clients.
//
//   bench_list [--clients N] [--requests R] [--load-seconds S] [--database postgresql://...]
//              [--data DIR] [--only TEXT] [--plugins DIR]
//
// With --data DIR the seeded site is kept: the first run seeds it and writes DIR/bench-list.txt
// (clients and type ids), later runs measure it again without seeding. On SQLite the database is
// in DIR; with --database too, the database the URL names is the one seeded and kept (create it
// empty first, e.g. `createdb`; the bench neither creates nor drops it), DIR holds the files.
// --only TEXT measures only the cases whose name contains TEXT (e.g. "region + ", "q=").
// --plugins DIR serves another build of the module (to alternate two builds in one sitting).
//
// With --database alone the host runs on that PostgreSQL server, in a database of its own that
// the bench creates (CREATE DATABASE crm_e2e_<random>) and drops at the end; without it, on
// SQLite. On PostgreSQL the host seeds the clients in bulk (SeedBulkClients: indexes built after
// the load, then ANALYZE).
//
// Types: 1-3 required, 4 reviewed (none / pending / approved / rejected), 5 with an expiry date
// (expired, expiring, valid); documents for about 60 % of the clients per type. Cases: the plain
// list, each sort, a region, `doc.N` = each state, region + each state, two documents filters,
// `q` with a common word, a rare word, `q` + `doc.N`. Each answer's total is checked against a
// direct SQL count: equal when exact, the true count >= the bound when "total_exact": false.
// Each case prints the host's CPU per request and, on a PostgreSQL server of this machine, the
// database server's ("db cpu": its backends and parallel workers). Measuring starts once the
// server's start-up jobs are done (its CPU idle for a second; the wait is printed).
// Exits non-zero only when something does not work (a wrong answer), never because of speed.
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "sample-host/core/open_database.h"

#include "tests/bench/bench_util.h"
#include "tests/support/e2e_env.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace json = boost::json;

namespace {

// Throws: main's catch prints it and exits 1 after the servers were stopped (their destructors).
[[noreturn]] void Die(const std::string& what) { throw std::runtime_error(what); }

struct Figures {
  double p50_ms, p99_ms;
  int64_t total;
  bool exact;
  double cpu_ms = 0;  // the server's CPU time per request (user + system)
};

// bench::ProcessCpuSeconds in ms (a case's cost in CPU moves far less with the load than its
// wall time).
double CpuMs(pid_t pid, bool reaped = false, pid_t* parent = nullptr) {
  return 1000.0 * bench::ProcessCpuSeconds(pid, reaped, parent);
}

// PostgreSQL: the pid of the server's postmaster when it runs on this machine (its data
// directory's postmaster.pid, readable by root or its owner), else 0.
pid_t PostmasterPid(crm::Database& db) {
  if (db.Dialect() != crm::SqlDialect::kPostgresql) return 0;
  auto dir = db.QueryOne("SELECT setting FROM pg_settings WHERE name = 'data_directory'");
  if (!dir.ok() || !dir->has_value()) return 0;
  std::ifstream f(std::filesystem::path((*dir)->Text(0)) / "postmaster.pid");
  long pid = 0;
  f >> pid;
  return static_cast<pid_t>(pid);
}

// The CPU time the whole PostgreSQL server has used so far: the postmaster, the processes it
// runs (the backends serving the host) and those it reaped (parallel workers), in ms. Where the
// host's requests go on PostgreSQL; other databases' work on that server counts too.
double ServerCpuMs(pid_t postmaster) {
  double ms = CpuMs(postmaster, true);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const pid_t pid = static_cast<pid_t>(std::atol(entry.path().filename().c_str()));
    pid_t parent = 0;
    if (pid <= 0) continue;
    const double own = CpuMs(pid, false, &parent);
    if (parent == postmaster) ms += own;
  }
  return ms;
}

// GETs `make_path(page)` `requests` times on one kept-alive connection; checks each answer.
template <typename MakePath>
Figures Measure(crm_test::HttpClient& http, const crm_test::Headers& auth, int requests,
                MakePath make_path) {
  std::mt19937 rng(42);
  std::vector<double> ms;
  int64_t total = -1;
  bool exact = true;
  for (int i = 0; i < requests; ++i) {
    int page = 1 + static_cast<int>(rng() % 20);
    auto t0 = std::chrono::steady_clock::now();
    auto r = http.Get(make_path(page), auth);
    ms.push_back(bench::SecondsSince(t0) * 1000.0);
    if (r.status != 200)
      Die("GET " + make_path(page) + " -> " + std::to_string(r.status) + " " + r.body);
    json::value v = json::parse(r.body);
    total = v.at("total").as_int64();
    exact = !v.as_object().contains("total_exact");
    const auto& items = v.at("items").as_array();
    if (!items.empty() && !items[0].at("columns").as_object().contains("client-documents.status"))
      Die("the client-documents.status column is missing from the list");
  }
  return {bench::Percentile(ms, 0.5), bench::Percentile(ms, 0.99), total, exact};
}

// Follows "next" from page 1 to page 20 (keyset paging), again and again, timing only the
// cursor pages (2-20), `requests` of them; page 1, untimed, starts each walk.
Figures MeasureCursorPages(crm_test::HttpClient& http, const crm_test::Headers& auth, int requests,
                           const std::string& base) {
  std::vector<double> ms;
  std::string next;
  int depth = 0;
  Figures f{0, 0, -1, true};
  while (static_cast<int>(ms.size()) < requests) {
    std::string path = base + "&page=1";
    const bool timed = !next.empty() && depth < 19;
    if (timed) path = base + "&after=" + crm_test::UrlEncode(next);
    auto t0 = std::chrono::steady_clock::now();
    auto r = http.Get(path, auth);
    if (timed) ms.push_back(bench::SecondsSince(t0) * 1000.0);
    if (r.status != 200) Die("GET " + path + " -> " + std::to_string(r.status) + " " + r.body);
    json::value v = json::parse(r.body);
    const json::value* n = v.as_object().if_contains("next");
    next = n ? std::string(n->as_string()) : "";
    depth = timed ? depth + 1 : 0;
    if (!timed && next.empty()) return f;  // one page only: nothing to follow
    f.total = v.at("total").as_int64();
    f.exact = !v.as_object().contains("total_exact");
  }
  f.p50_ms = bench::Percentile(ms, 0.5);
  f.p99_ms = bench::Percentile(ms, 0.99);
  return f;
}

int64_t CountOrDie(crm::Database& db, const std::string& sql, const crm::SqlParams& params) {
  auto row = db.QueryOne(sql, params);
  if (!row.ok() || !row->has_value()) Die(sql + ": " + row.status().ToString());
  return (*row)->Int(0);
}

// One case of the issue: the query string of its list (without page) and the WHERE over `c`
// that counts its matches directly (hand-written, not the host's SQL).
struct Case {
  std::string name;
  std::string query;
  std::string where;
  crm::SqlParams params;
};

// The direct count of a documents state over `c`, for the bench's types.
std::string StateSql(int64_t type_id, const std::string& state) {
  const std::string doc = "SELECT 1 FROM cd_documents d WHERE d.client_id = c.id AND d.type_id = " +
                          std::to_string(type_id);
  if (state == "uploaded") return "EXISTS (" + doc + ")";
  if (state == "missing") return "NOT EXISTS (" + doc + ")";
  if (state == "pending") return "EXISTS (" + doc + " AND d.review_state IN ('none', 'pending'))";
  if (state == "approved") return "EXISTS (" + doc + " AND d.review_state = 'approved')";
  if (state == "rejected") return "EXISTS (" + doc + " AND d.review_state = 'rejected')";
  if (state == "expired") return "EXISTS (" + doc + " AND d.expires_on < ?)";
  return "EXISTS (" + doc + " AND d.expires_on >= ? AND d.warn_on <= ?)";  // expiring
}

// Documents for about 60% of the clients per type, written straight into the module's tables
// (uploading a million files is not what is measured here), on either engine: type 4 in the
// four review states, type 5 with expiry dates (a third expired, a third expiring).
void WriteDocuments(crm::Database& db, const std::vector<int64_t>& type_ids,
                    const std::string& today) {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::string past = "2000-01-01", soon = "2999-01-01";
  crm::Status s = db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    for (size_t t = 0; t < type_ids.size(); ++t) {
      CRM_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO cd_documents (client_id, type_id, fields_json, uploaded_at, "
                  "uploaded_by, review_state, expires_on, warn_on) SELECT id, ?, '{}', ?, 'bench',"
                  " CASE WHEN ? = 3 THEN CASE id % 4 WHEN 0 THEN 'none' WHEN 1 THEN 'pending'"
                  " WHEN 2 THEN 'approved' ELSE 'rejected' END ELSE 'none' END,"
                  " CASE WHEN ? = 4 THEN CASE id % 3 WHEN 0 THEN ? ELSE ? END END,"
                  " CASE WHEN ? = 4 THEN CASE id % 3 WHEN 0 THEN ? WHEN 1 THEN ? ELSE ? END END"
                  " FROM clients WHERE ((id * 7 + ?) % 10) < 6",
                  {type_ids[t], now, static_cast<int64_t>(t), static_cast<int64_t>(t), past, soon,
                   static_cast<int64_t>(t), past, today, soon, static_cast<int64_t>(t)})
              .status());
    }
    return crm::Status::Ok();
  });
  if (!s.ok()) Die("documents: " + s.ToString());
  // PostgreSQL: VACUUM as well, so that the measurements meet a settled database (the visibility
  // map that index-only scans read; otherwise autovacuum runs through the first cases).
  const bool pg = db.Dialect() == crm::SqlDialect::kPostgresql;
  if (auto analyzed = db.Exec(pg ? "VACUUM (ANALYZE)" : "ANALYZE"); !analyzed.ok())
    Die(analyzed.status().ToString());
}

}  // namespace

namespace {

// Waits until the server's start-up work is done (its jobs run at start: the client sets' fold,
// the documents' expiry stages, the scrub, the list's order read on its helper thread): its CPU
// time grows by under 20 ms in a second, at most `limit_s` seconds. Returns the seconds waited.
// The figures are those of a running server, not of its first second.
double WaitUntilSettled(pid_t server, int limit_s = 120) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < limit_s; ++i) {
    const double cpu0 = CpuMs(server);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (CpuMs(server) - cpu0 < 20) break;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Latency of every case, each total checked against its direct count.
void MeasureCases(crm_test::HttpClient& http, const crm_test::Headers& auth, crm::Database& db,
                  int requests, const std::vector<Case>& cases, pid_t server) {
  const pid_t postmaster = PostmasterPid(db);
  for (const Case& c : cases) {
    const std::string base = "/api/v1/clients?per_page=50" + c.query;
    const int64_t direct = CountOrDie(db, "SELECT COUNT(*) FROM clients c" + c.where, c.params);
    // Page 1; pages 2-20 reached by following "next"; a random page 1-20 by offset (its cost
    // grows with the page).
    for (const char* kind : {"page 1", "next 2-20", "offset 1-20"}) {
      const double cpu0 = CpuMs(server), db0 = postmaster > 0 ? ServerCpuMs(postmaster) : 0;
      Figures f = kind[0] == 'n'
                      ? MeasureCursorPages(http, auth, requests, base)
                      : Measure(http, auth, requests, [&](int page) {
                          return base + "&page=" + std::to_string(kind[0] == 'p' ? 1 : page);
                        });
      f.cpu_ms = (CpuMs(server) - cpu0) / requests;
      const double db_ms = postmaster > 0 ? (ServerCpuMs(postmaster) - db0) / requests : 0;
      if (f.total < 0) {
        std::printf("%-44s %-11s (one page only)\n", c.name.c_str(), kind);
        continue;
      }
      if (f.exact ? f.total != direct : direct < f.total)
        Die(c.name + ": total " + std::to_string(f.total) + (f.exact ? "" : " (bound)") +
            ", direct count " + std::to_string(direct));
      std::printf("%-44s %-11s p50 %6.1f ms  p99 %6.1f ms  cpu %5.1f ms", c.name.c_str(), kind,
                  f.p50_ms, f.p99_ms, f.cpu_ms);
      if (postmaster > 0) std::printf("  db cpu %6.1f ms", db_ms);
      std::printf("  total %lld%s (direct %lld)\n", static_cast<long long>(f.total),
                  f.exact ? "" : "+", static_cast<long long>(direct));
      std::fflush(stdout);
    }
  }
}

// `clients` keep-alive connections, each GETting lists of `cases` in turn for `seconds`.
void MeasureLoad(int port, const crm_test::Headers& auth, const std::vector<Case>& cases,
                 int clients, int seconds, const char* label) {
  std::atomic<bool> failed{false};
  std::vector<std::vector<double>> ms(clients);
  std::vector<std::thread> threads;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      crm_test::HttpClient http(port);
      std::mt19937 rng(t);
      for (size_t i = t; std::chrono::steady_clock::now() < end && !failed; ++i) {
        const Case& c = cases[i % cases.size()];
        std::string path =
            "/api/v1/clients?per_page=50&page=" + std::to_string(1 + rng() % 20) + c.query;
        auto t0 = std::chrono::steady_clock::now();
        auto r = http.Get(path, auth);
        ms[t].push_back(bench::SecondsSince(t0) * 1000.0);
        if (r.status != 200) failed = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  if (failed) Die("a list request failed under load");
  std::vector<double> all;
  for (const auto& v : ms) all.insert(all.end(), v.begin(), v.end());
  std::printf(
      "load (%s): %d keep-alive clients, %d s: %.0f list requests/s, p50 %.1f ms, p99 %.1f ms\n",
      label, clients, seconds, static_cast<double>(all.size()) / seconds,
      bench::Percentile(all, 0.5), bench::Percentile(all, 0.99));
  std::fflush(stdout);
}

std::string F(const std::string& id, const std::string& value) {
  return "&filter%5B" + crm_test::UrlEncode(id) + "%5D=" + crm_test::UrlEncode(value);
}

// Every case of issue 10 for these types and region.
std::vector<Case> IssueCases(const std::vector<int64_t>& type_ids, const std::string& region,
                             const std::string& today, const std::string& common,
                             const std::string& rare) {
  std::vector<Case> cases;
  cases.push_back({"plain", "", "", {}});
  for (const std::string sort : {"last_name", "-last_name", "first_name", "email", "city",
                                 "postal_code", "region", "language", "-created_at", "id"})
    cases.push_back({"sort=" + sort, "&sort=" + sort, "", {}});
  cases.push_back({"region", F("region", region), " WHERE c.region = ?", {region}});
  struct St {
    size_t type;
    const char* state;
  };
  const St states[] = {{0, "uploaded"}, {0, "missing"},  {3, "pending"}, {3, "approved"},
                       {3, "rejected"}, {4, "expiring"}, {4, "expired"}};
  for (const St& st : states) {
    const std::string id = "doc." + std::to_string(type_ids[st.type]);
    crm::SqlParams p;
    if (std::string(st.state) == "expired") p = {today};
    if (std::string(st.state) == "expiring") p = {today, today};
    std::string where = " WHERE " + StateSql(type_ids[st.type], st.state);
    cases.push_back({id + "=" + st.state, F(id, st.state), where, p});
    crm::SqlParams rp = p;
    rp.push_back(region);
    cases.push_back({"region + " + id + "=" + st.state, F("region", region) + F(id, st.state),
                     where + " AND c.region = ?", rp});
  }
  const std::string d0 = "doc." + std::to_string(type_ids[0]);
  const std::string d1 = "doc." + std::to_string(type_ids[1]);
  cases.push_back(
      {d0 + "=uploaded + " + d1 + "=missing",
       F(d0, "uploaded") + F(d1, "missing"),
       " WHERE " + StateSql(type_ids[0], "uploaded") + " AND " + StateSql(type_ids[1], "missing"),
       {}});
  const std::string text =
      "lower(c.first_name || ' ' || c.last_name || ' ' || c.email || ' ' || c.company) LIKE ?";
  cases.push_back({"q=" + common, "&q=" + common, " WHERE " + text, {"%" + common + "%"}});
  cases.push_back({"q=" + rare, "&q=" + rare, " WHERE " + text, {"%" + rare + "%"}});
  cases.push_back({"q=" + common + " + " + d0 + "=missing",
                   "&q=" + common + F(d0, "missing"),
                   " WHERE " + text + " AND " + StateSql(type_ids[0], "missing"),
                   {"%" + common + "%"}});
  return cases;
}

}  // namespace

namespace {

// What the measured runs need of a seeded data folder.
struct Seeded {
  int64_t clients = 0;
  std::vector<int64_t> type_ids;
  double seed_s = -1, docs_s = -1;  // -1: reused
};

const char kSeededFile[] = "bench-list.txt";

// Reads DIR/bench-list.txt ("clients N" and "types A B C D E"), if any.
std::optional<Seeded> ReadSeeded(const std::filesystem::path& data) {
  std::ifstream in(data / kSeededFile);
  if (!in) return std::nullopt;
  Seeded s;
  std::string key;
  in >> key >> s.clients >> key;
  for (int64_t id; in >> id;) s.type_ids.push_back(id);
  if (!in.eof() || s.clients <= 0 || s.type_ids.size() != 5)
    Die("unreadable " + (data / kSeededFile).string());
  return s;
}

void WriteSeeded(const std::filesystem::path& data, const Seeded& s) {
  std::ofstream out(data / kSeededFile);
  out << "clients " << s.clients << "\ntypes";
  for (int64_t id : s.type_ids) out << ' ' << id;
  out << '\n';
}

// Five document types through the API: three required, one reviewed, one that expires.
std::vector<int64_t> CreateTypes(int port, const crm_test::Headers& auth) {
  std::vector<int64_t> type_ids;
  crm_test::HttpClient http(port);
  for (int t = 0; t < 5; ++t) {
    json::object body{{"name", "Bench type " + std::to_string(t + 1)},
                      {"upload_mode", t < 3 ? "required" : "optional"}};
    if (t == 3) body["review"] = true;
    if (t == 4) {
      body["fields"] = json::array{
          json::object{{"key", "valid_until"}, {"label", "Valid until"}, {"type", "date"}}};
      body["expiry_field"] = "valid_until";
    }
    auto r = http.Post("/api/v1/plugins/client-documents/types",
                       {auth[0], {"Content-Type", "application/json"}}, json::serialize(body));
    if (r.status != 201 && r.status != 200)
      Die("POST types -> " + std::to_string(r.status) + " " + r.body);
    type_ids.push_back(json::parse(r.body).at("id").to_number<int64_t>());
  }
  return type_ids;
}

// An all-scopes token of bench@example.com, created first when `create_admin`, through the CLI
// on the site's database (`database` is passed as it is: a kept database is no site database of
// tests/support, whose CLI helpers would make a fresh one).
std::string BenchToken(const std::filesystem::path& data, const std::string& database,
                       bool create_admin) {
  const std::filesystem::path binary = crm_test::DefaultSampleHostPath();
  const std::string args = " --data " + data.string() +
                           (database.empty() ? "" : " --database " + database) +
                           " --email bench@example.com";
  if (create_admin) {
    crm_test::CliResult r =
        crm_test::RunCli(binary, "create-admin" + args, "bench-password-123456");
    if (r.code != 0) Die("create-admin: " + r.output);
  }
  crm_test::CliResult r = crm_test::RunCli(binary, "create-token" + args, "");
  if (r.code != 0) Die("create-token: " + r.output);
  return bench::LastLine(r.output);
}

// Seeds the clients (the host does it before it listens, into an empty database only: the
// admin and its token come after), the types, then the documents (WriteDocuments).
Seeded Seed(crm_test::HostProcess::Options opt, const std::string& database, int64_t clients,
            const std::string& today, std::string* token) {
  Seeded s;
  s.clients = clients;
  auto t0 = std::chrono::steady_clock::now();
  opt.extra_args.insert(opt.extra_args.end(), {"--demo-clients", std::to_string(clients)});
  auto host = crm_test::HostProcess::Start(opt);
  if (!host.ok()) Die(host.status().ToString());
  s.seed_s = bench::SecondsSince(t0);
  *token = BenchToken(opt.data_dir, database, true);  // the CLI works beside the running host
  s.type_ids = CreateTypes((*host)->port(), {{"Authorization", "Bearer " + *token}});
  (*host)->Stop();
  t0 = std::chrono::steady_clock::now();
  auto opened = host::OpenHostDatabase(database, opt.data_dir);
  if (!opened.ok()) Die(opened.status().ToString());
  WriteDocuments(**opened, s.type_ids, today);
  s.docs_s = bench::SecondsSince(t0);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t clients = 1000000;
  int requests = 300;
  int load_seconds = 20;
  std::string keep, only, plugins, pg_url;
  bench::ForEachOption(argc, argv, [&](std::string_view name, const char* value) {
    if (name == "--clients")
      clients = std::atoll(value);
    else if (name == "--database")
      pg_url = value;
    else if (name == "--requests")
      requests = std::atoi(value);
    else if (name == "--load-seconds")
      load_seconds = std::atoi(value);
    else if (name == "--data")
      keep = value;
    else if (name == "--only")
      only = value;
    else if (name == "--plugins")
      plugins = value;
    else
      return false;
    return true;
  });
  try {
    // Without --data, crm_test::SiteDatabaseUrl makes a fresh database on that server.
    if (!pg_url.empty() && keep.empty()) ::setenv("CRM_E2E_PG_URL", pg_url.c_str(), 1);
    std::optional<bench::ScratchDir> dir;
    if (keep.empty()) dir.emplace("bench-list");
    std::filesystem::path data = keep.empty() ? dir->path() / "data" : std::filesystem::path(keep);
    crm_test::HostProcess::Options opt;
    opt.data_dir = data;
    opt.start_timeout = std::chrono::seconds(1200);
    // "" on SQLite; with --data, the database of --database itself (kept).
    const std::string database = keep.empty() ? crm_test::SiteDatabaseUrl(data) : pg_url;
    if (!database.empty()) opt.extra_args = {"--database", database};
    char today[16];
    std::time_t now = std::time(nullptr);
    std::strftime(today, sizeof today, "%Y-%m-%d", std::gmtime(&now));

    std::string token;
    std::optional<Seeded> seeded = keep.empty() ? std::nullopt : ReadSeeded(data);
    if (seeded) {
      token = BenchToken(data, database, false);
    } else {
      seeded = Seed(opt, database, clients, today, &token);
      if (!keep.empty()) WriteSeeded(data, *seeded);
    }
    clients = seeded->clients;
    const std::vector<int64_t>& type_ids = seeded->type_ids;
    crm_test::Headers auth = {{"Authorization", "Bearer " + token}};
    auto opened = host::OpenHostDatabase(database, data);
    if (!opened.ok()) Die(opened.status().ToString());
    crm::Database& db = **opened;
    auto first_region = db.QueryOne("SELECT region FROM clients ORDER BY id LIMIT 1");
    if (!first_region.ok() || !first_region->has_value()) Die("no client");
    const std::string region = (*first_region)->Text(0);

    // Serve again (with another build of the module when asked) and measure.
    if (!plugins.empty()) opt.extra_args.insert(opt.extra_args.end(), {"--plugins", plugins});
    auto host2 = crm_test::HostProcess::Start(opt);
    if (!host2.ok()) Die(host2.status().ToString());
    crm_test::HttpClient http((*host2)->port());
    auto first = http.Get("/api/v1/clients?per_page=1", auth);
    if (first.status != 200)
      Die("GET /api/v1/clients -> " + std::to_string(first.status) + " " + first.body);
    if (json::parse(first.body).at("total").as_int64() != clients)
      Die("expected " + std::to_string(clients) + " clients, the list says " + first.body);

    const double settled = WaitUntilSettled((*host2)->pid());
    std::printf("engine: %s\n", database.empty() ? "SQLite" : "PostgreSQL");
    std::printf("server settled %.0f s after it answered (its start-up jobs done)\n", settled);
    if (seeded->seed_s < 0)
      std::printf("clients: %lld (reused from %s)\n", static_cast<long long>(clients),
                  data.c_str());
    else
      std::printf("clients: %lld (seeded in %.1f s); document rows written in %.1f s\n",
                  static_cast<long long>(clients), seeded->seed_s, seeded->docs_s);
    std::printf(
        "50-row pages, %d requests each (page 1; pages 2-20 by following next; a random page "
        "1-20 by offset), one keep-alive connection:\n",
        requests);
    // "bakker": a common word of the demo names and companies (12 %); "4242": a rare one (in
    // the numbers of a few hundred emails).
    std::vector<Case> cases = IssueCases(type_ids, region, today, "bakker", "4242");
    std::erase_if(cases, [&](const Case& c) { return c.name.find(only) == std::string::npos; });
    MeasureCases(http, auth, db, requests, cases, (*host2)->pid());
    if (load_seconds > 0 && !cases.empty()) {
      MeasureLoad((*host2)->port(), auth, cases, 50, load_seconds, "every case in turn");
      // The same connections on the plain list alone: the machine's own limit for this line
      // (HTTP, the token, one page from an index, JSON), whatever the filters cost.
      MeasureLoad((*host2)->port(), auth, {cases.front()}, 50, load_seconds,
                  "the plain list alone: the machine's own limit");
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_list: %s\n", e.what());
    return 1;
  }
}
