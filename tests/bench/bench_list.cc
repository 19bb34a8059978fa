// tests/bench/bench_list.cc — list-page latency over many clients (issues 3 and 4): seeds N clients
// (default 1,000,000) and 5 document types, then prints p50/p99 of 50-row pages through HTTP.
//
//   bench_list [--clients N] [--requests R] [--database postgresql://USER@HOST:PORT/DB]
//
// With --database the host runs on that PostgreSQL server, in a database of its own that the
// bench creates (CREATE DATABASE crm_e2e_<random>) and drops at the end; without it, on SQLite.
//
// Figures printed: seeding time; the host list (one filter, sorted); the same list with the
// client-documents column and one `doc.<type>` filter ("missing", then "uploaded"), and
// "missing" with a region filter. Exits non-zero only when something does not work (a
// wrong answer), never because of speed.
#include <sys/types.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "sample-host/core/open_database.h"

#include "tests/bench/bench_util.h"
#include "tests/support/e2e_env.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace json = boost::json;

namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_list: %s\n", what.c_str());
  std::exit(1);
}

struct Figures {
  double p50_ms, p99_ms;
  int64_t total;
};

// GETs `make_path(page)` `requests` times on one kept-alive connection; checks each answer.
template <typename MakePath>
Figures Measure(crm_test::HttpClient& http, const crm_test::Headers& auth, int requests,
                MakePath make_path) {
  std::mt19937 rng(42);
  std::vector<double> ms;
  int64_t total = -1;
  for (int i = 0; i < requests; ++i) {
    int page = 1 + static_cast<int>(rng() % 20);
    auto t0 = std::chrono::steady_clock::now();
    auto r = http.Get(make_path(page), auth);
    ms.push_back(bench::SecondsSince(t0) * 1000.0);
    if (r.status != 200)
      Die("GET " + make_path(page) + " -> " + std::to_string(r.status) + " " + r.body);
    json::value v = json::parse(r.body);
    total = v.at("total").as_int64();
    const auto& items = v.at("items").as_array();
    if (!items.empty() && !items[0].at("columns").as_object().contains("client-documents.status"))
      Die("the client-documents.status column is missing from the list");
  }
  return {bench::Percentile(ms, 0.5), bench::Percentile(ms, 0.99), total};
}

struct Expected {
  int64_t missing = 0;
  int64_t missing_in_region = 0;
  std::string region;
};

int64_t CountOrDie(crm::Database& db, const std::string& sql, const crm::SqlParams& params) {
  auto row = db.QueryOne(sql, params);
  if (!row.ok() || !row->has_value()) Die(sql + ": " + row.status().ToString());
  return (*row)->Int(0);
}

// Documents for about 60% of the clients per type, written straight into the module's tables
// (uploading a million files is not what is measured here), on either engine; then the totals
// the list must find.
Expected WriteDocuments(const std::filesystem::path& data, const std::vector<int64_t>& type_ids) {
  auto opened = host::OpenHostDatabase(crm_test::SiteDatabaseUrl(data), data);
  if (!opened.ok()) Die(opened.status().ToString());
  crm::Database& db = **opened;
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  crm::Status s = db.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    for (size_t t = 0; t < type_ids.size(); ++t) {
      CRM_RETURN_IF_ERROR(
          tx.Exec("INSERT INTO cd_documents (client_id, type_id, fields_json, uploaded_at, "
                  "uploaded_by) SELECT id, ?, '{}', ?, 'bench' FROM clients"
                  " WHERE ((id * 7 + ?) % 10) < 6",
                  {type_ids[t], now, static_cast<int64_t>(t)})
              .status());
    }
    return crm::Status::Ok();
  });
  if (!s.ok()) Die("documents: " + s.ToString());
  if (auto analyzed = db.Exec("ANALYZE"); !analyzed.ok()) Die(analyzed.status().ToString());
  Expected e;
  const std::string missing =
      "SELECT count(*) FROM clients c WHERE NOT EXISTS (SELECT 1 FROM cd_documents d"
      " WHERE d.client_id = c.id AND d.type_id = ?)";
  e.missing = CountOrDie(db, missing, {type_ids[0]});
  auto first = db.QueryOne("SELECT region FROM clients ORDER BY id LIMIT 1");
  if (!first.ok() || !first->has_value()) Die("no client");
  e.region = (*first)->Text(0);
  e.missing_in_region = CountOrDie(db, missing + " AND c.region = ?", {type_ids[0], e.region});
  return e;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t clients = 1000000;
  int requests = 300;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--clients"))
      clients = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--database"))
      ::setenv("CRM_E2E_PG_URL", argv[i + 1], 1);  // crm_test::SiteDatabaseUrl makes a database
    else if (!std::strcmp(argv[i], "--requests"))
      requests = std::atoi(argv[i + 1]);
    else
      Die(std::string("unknown option ") + argv[i]);
  }
  try {
    bench::ScratchDir dir("bench-list");
    std::filesystem::path data = dir.path() / "data";

    // 1. Seed the clients (the host does it before it listens, into an empty database only:
    //    the admin and its token come after).
    auto t0 = std::chrono::steady_clock::now();
    crm_test::HostProcess::Options opt;
    opt.data_dir = data;
    opt.extra_args = {"--demo-clients", std::to_string(clients)};
    const std::string database = crm_test::SiteDatabaseUrl(data);  // "" on SQLite
    if (!database.empty()) {
      opt.extra_args.insert(opt.extra_args.end(), {"--database", database});
    }
    opt.start_timeout = std::chrono::seconds(600);
    auto host = crm_test::HostProcess::Start(opt);
    if (!host.ok()) Die(host.status().ToString());
    double seed_s = bench::SecondsSince(t0);
    std::string token = bench::AdminToken(data);  // the CLI works beside the running host (WAL)
    crm_test::Headers auth = {{"Authorization", "Bearer " + token}};

    // 2. Five document types through the API: three required, two optional.
    std::vector<int64_t> type_ids;
    {
      crm_test::HttpClient http((*host)->port());
      for (int t = 0; t < 5; ++t) {
        json::object body{{"name", "Bench type " + std::to_string(t + 1)},
                          {"upload_mode", t < 3 ? "required" : "optional"}};
        auto r = http.Post("/api/v1/plugins/client-documents/types",
                           {auth[0], {"Content-Type", "application/json"}}, json::serialize(body));
        if (r.status != 201 && r.status != 200)
          Die("POST types -> " + std::to_string(r.status) + " " + r.body);
        type_ids.push_back(json::parse(r.body).at("id").to_number<int64_t>());
      }
    }
    (*host)->Stop();

    // 3. Documents for about 60% of the clients per type (WriteDocuments).
    t0 = std::chrono::steady_clock::now();
    const Expected expected = WriteDocuments(data, type_ids);
    const int64_t expected_missing = expected.missing;
    const int64_t expected_missing_in_region = expected.missing_in_region;
    const std::string& region = expected.region;
    double docs_s = bench::SecondsSince(t0);

    // 4. Serve again and measure.
    opt.extra_args.clear();
    if (!database.empty()) opt.extra_args = {"--database", database};
    auto host2 = crm_test::HostProcess::Start(opt);
    if (!host2.ok()) Die(host2.status().ToString());
    crm_test::HttpClient http((*host2)->port());

    auto first = http.Get("/api/v1/clients?per_page=1", auth);
    if (first.status != 200)
      Die("GET /api/v1/clients -> " + std::to_string(first.status) + " " + first.body);
    json::value fv = json::parse(first.body);
    if (fv.at("total").as_int64() != clients)
      Die("expected " + std::to_string(clients) + " clients, the list says " +
          json::serialize(fv.at("total")));

    Figures host_list = Measure(http, auth, requests, [&](int page) {
      return "/api/v1/clients?per_page=50&sort=last_name&page=" + std::to_string(page) +
             "&filter%5Bregion%5D=" + crm_test::UrlEncode(region);
    });
    std::string doc_filter = "doc." + std::to_string(type_ids[0]);
    Figures doc_list = Measure(http, auth, requests, [&](int page) {
      return "/api/v1/clients?per_page=50&sort=last_name&page=" + std::to_string(page) +
             "&filter%5B" + crm_test::UrlEncode(doc_filter) + "%5D=missing";
    });
    if (doc_list.total != expected_missing)
      Die("doc filter total " + std::to_string(doc_list.total) + ", expected " +
          std::to_string(expected_missing));
    Figures uploaded_list = Measure(http, auth, requests, [&](int page) {
      return "/api/v1/clients?per_page=50&sort=last_name&page=" + std::to_string(page) +
             "&filter%5B" + crm_test::UrlEncode(doc_filter) + "%5D=uploaded";
    });
    if (uploaded_list.total != clients - expected_missing)
      Die("doc filter 'uploaded' total " + std::to_string(uploaded_list.total) + ", expected " +
          std::to_string(clients - expected_missing));
    Figures both_list = Measure(http, auth, requests, [&](int page) {
      return "/api/v1/clients?per_page=50&sort=last_name&page=" + std::to_string(page) +
             "&filter%5Bregion%5D=" + crm_test::UrlEncode(region) + "&filter%5B" +
             crm_test::UrlEncode(doc_filter) + "%5D=missing";
    });
    if (both_list.total != expected_missing_in_region)
      Die("region + doc filter total " + std::to_string(both_list.total) + ", expected " +
          std::to_string(expected_missing_in_region));

    std::printf("engine: %s\n", database.empty() ? "SQLite" : "PostgreSQL");
    std::printf("clients: %lld (seeded in %.1f s); document rows written in %.1f s\n",
                static_cast<long long>(clients), seed_s, docs_s);
    std::printf(
        "list, filter[region]=%s, sort=last_name, 50 rows: p50 %.1f ms, p99 %.1f ms (%lld matches, "
        "%d requests)\n",
        region.c_str(), host_list.p50_ms, host_list.p99_ms, static_cast<long long>(host_list.total),
        requests);
    std::printf(
        "list + documents column + filter[%s]=missing, sort=last_name, 50 rows: p50 %.1f ms, p99 "
        "%.1f ms (%lld matches)\n",
        doc_filter.c_str(), doc_list.p50_ms, doc_list.p99_ms,
        static_cast<long long>(doc_list.total));
    std::printf(
        "list + documents column + filter[%s]=uploaded, sort=last_name, 50 rows: p50 %.1f ms, p99 "
        "%.1f ms (%lld matches)\n",
        doc_filter.c_str(), uploaded_list.p50_ms, uploaded_list.p99_ms,
        static_cast<long long>(uploaded_list.total));
    std::printf(
        "list + documents column + filter[region] + filter[%s]=missing, sort=last_name, 50 rows: "
        "p50 %.1f ms, p99 %.1f ms (%lld matches)\n",
        doc_filter.c_str(), both_list.p50_ms, both_list.p99_ms,
        static_cast<long long>(both_list.total));
    return 0;
  } catch (const std::exception& e) {
    Die(e.what());
  }
}
