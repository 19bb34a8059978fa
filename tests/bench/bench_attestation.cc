// tests/bench/bench_attestation.cc — attestation requests end to end (issue 13): the real
// sample-host with the module and its warm PDF worker; a one-page template; p50/p99 of request
// -> PDF stored (201 answered: the PDF is converted, checked and stored before the answer), then
// N requests at once (no lost output: every one answered 201 and its PDF downloads as a PDF).
//   bench_attestation [--requests 30] [--concurrent 20]
#include <boost/json.hpp>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>

#include "tests/attestations/template_fixtures.h"
#include "tests/bench/bench_util.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/http_client.h"

namespace {
namespace json = boost::json;
using crm_test::Day;
using crm_test::HttpClient;
using crm_test::HttpResponse;

constexpr char kApi[] = "/api/v1/plugins/client-documents";

[[noreturn]] void Die(const std::string& m) {
  std::fprintf(stderr, "bench_attestation: %s\n", m.c_str());
  std::exit(1);
}

struct Site {
  uint16_t port = 0;
  std::string token;
  crm_test::Headers Json() const {
    return {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
  }
  json::value Post(HttpClient& c, const std::string& path, const json::value& body, int want) {
    HttpResponse r = c.Post(path, Json(), json::serialize(body));
    if (r.status != want) Die(path + " -> " + std::to_string(r.status) + " " + r.body);
    return json::parse(r.body);
  }
};

// Sets up a client, a paid contract and a template on its product; returns the request path and
// the request body.
std::pair<std::string, std::string> Prepare(Site& s, HttpClient& c) {
  int64_t client = s.Post(c, "/api/v1/clients",
                          json::object{{"first_name", "Bench"}, {"email", "b@bench.test"}}, 201)
                       .at("id")
                       .as_int64();
  s.Post(c, "/api/v1/products", json::object{{"code", "AUTO"}, {"name", "Car"}}, 201);
  int64_t contract = s.Post(c, "/api/v1/clients/" + std::to_string(client) + "/contracts",
                            json::object{{"product", "AUTO"},
                                         {"number", "B-1"},
                                         {"status", "active"},
                                         {"start_on", Day(-10)}},
                            201)
                         .at("id")
                         .as_int64();
  s.Post(
      c, "/api/v1/contracts/" + std::to_string(contract) + "/receipts",
      json::object{
          {"period_start", Day(-10)}, {"period_end", Day(10)}, {"amount", "10.00"}, {"paid", true}},
      201);
  crm_test::MultipartBuilder mb;
  mb.AddField("name", "Bench").AddField("entity", "contract").AddField("validation", "none");
  mb.AddFile(
      "file", "t.docx", "application/octet-stream",
      cd_test::MakeDocx(cd_test::DocxParagraph(
          {"Attestation for {{client.first_name}}, contract {{contract.number}}: {{motif}}"})));
  HttpResponse t = c.Post(
      std::string(kApi) + "/templates",
      {{"Authorization", "Bearer " + s.token}, {"Content-Type", mb.ContentType()}}, mb.Build());
  if (t.status != 201) Die("template: " + t.body);
  int64_t tpl = json::parse(t.body).at("id").as_int64();
  HttpResponse put = c.Put(std::string(kApi) + "/products/AUTO/templates", s.Json(),
                           json::serialize(json::object{{"template_ids", json::array{tpl}}}));
  if (put.status != 200) Die("products: " + put.body);
  return {std::string(kApi) + "/clients/" + std::to_string(client) + "/contracts/" +
              std::to_string(contract) + "/attestations",
          json::serialize(
              json::object{{"template_id", tpl}, {"values", json::object{{"motif", "bench"}}}})};
}

// One request; the PDF's URL ("" on failure, with *error set).
std::string RequestOnce(Site& s, HttpClient& c, const std::pair<std::string, std::string>& req,
                        std::string* error) {
  HttpResponse r = c.Post(req.first, s.Json(), req.second);
  if (r.status != 201) {
    *error = std::to_string(r.status) + " " + r.body.substr(0, 200);
    return "";
  }
  return std::string(json::parse(r.body).at("pdf").at("url").as_string());
}

void Run(int requests, int concurrent) {
  bench::ScratchDir dir("bench-attestation");
  Site s;
  s.token = bench::AdminToken(dir.path() / "data");
  crm_test::HostProcess::Options opt;
  opt.data_dir = dir.path() / "data";
  auto host = crm_test::HostProcess::Start(opt);
  if (!host.ok()) Die(host.status().ToString());
  s.port = (*host)->port();
  HttpClient c(s.port);
  auto req = Prepare(s, c);
  std::string error;
  auto t0 = std::chrono::steady_clock::now();
  if (RequestOnce(s, c, req, &error).empty()) Die("first request: " + error);
  double cold = bench::SecondsSince(t0);
  std::vector<double> ms;
  for (int i = 0; i < requests; ++i) {
    auto t = std::chrono::steady_clock::now();
    if (RequestOnce(s, c, req, &error).empty()) Die("request: " + error);
    ms.push_back(bench::SecondsSince(t) * 1000);
  }
  std::printf("first request (worker start): %.0f ms\n", cold * 1000);
  std::printf(
      "%d sequential requests -> PDF stored: p50 %.0f ms, p99 %.0f ms (target p50 <= 500 ms: %s)\n",
      requests, bench::Percentile(ms, 0.5), bench::Percentile(ms, 0.99),
      bench::Percentile(ms, 0.5) <= 500 ? "met" : "NOT met");
  std::vector<std::string> urls(concurrent), errors(concurrent);
  std::vector<std::thread> threads;
  auto tc = std::chrono::steady_clock::now();
  for (int i = 0; i < concurrent; ++i) {
    threads.emplace_back([&, i] {
      HttpClient own(s.port);
      urls[i] = RequestOnce(s, own, req, &errors[i]);
    });
  }
  for (auto& t : threads) t.join();
  double wall = bench::SecondsSince(tc);
  int bad = 0;
  for (int i = 0; i < concurrent; ++i) {
    HttpResponse pdf =
        urls[i].empty() ? HttpResponse{} : c.Get(urls[i], {{"Authorization", "Bearer " + s.token}});
    if (urls[i].empty() || pdf.status != 200 || pdf.body.rfind("%PDF-", 0) != 0 ||
        pdf.body.find("%%EOF") == std::string::npos) {
      ++bad;
      if (!errors[i].empty()) std::fprintf(stderr, "request %d: %s\n", i, errors[i].c_str());
    }
  }
  std::printf("%d requests at once: all answered in %.1f s, %d without a valid PDF\n", concurrent,
              wall, bad);
  if (bad > 0) Die("lost or invalid output");
}

}  // namespace

int main(int argc, char** argv) {
  int requests = 30, concurrent = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--requests"))
      requests = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--concurrent"))
      concurrent = std::atoi(argv[i + 1]);
    else
      Die(std::string("unknown option ") + argv[i]);
  }
  try {
    Run(requests, concurrent);
  } catch (const std::exception& e) {
    Die(e.what());
  }
  return 0;
}
