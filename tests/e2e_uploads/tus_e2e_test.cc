// tests/e2e_uploads/tus_e2e_test.cc — resumable uploads (tus 1.0, SPEC X2) over HTTP against the
// real sample-host: creation, PATCH in pieces, HEAD, a connection cut mid-chunk and the resume,
// creation-with-upload, 412/413/409/415/460, termination, the expiry sweep (run-jobs --now),
// another client's upload, the client area with its CSRF header, a restart mid-upload. Each test
// checks the stored state too: the upload rows (sqlite3 or psql) and what holds the bytes: on
// the local store one file per upload in the module's temp folder, written in place (no part
// object ever); in S3 parts of the document's object, and a part object for a PATCH under S3's
// 5 MiB minimum (all of this suite's small ones).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/e2e_site_test.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"
#include "text/text.h"

namespace {

namespace json = boost::json;
using crm_test::Bearer;
using crm_test::Headers;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::IsoIn;
using crm_test::Json;
using crm_test::Pdf;
using crm_test::Sha256Hex;

constexpr char kAdminEmail[] = "boss@tus-e2e.test";
constexpr char kAdminPassword[] = "tus-e2e-password-42";
constexpr char kClientPassword[] = "client-password-4242";
constexpr char kApi[] = "/api/v1/plugins/client-documents";
constexpr char kOctets[] = "application/offset+octet-stream";

using crm::text::Base64Encode;

// "sha256 <base64 of the raw digest>" of `bytes`.
std::string ChecksumOf(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  return "sha256 " + Base64Encode(std::string_view(reinterpret_cast<char*>(digest), len));
}

// Sends `bytes` on a new connection to 127.0.0.1:`port` and returns the socket, left open (the
// caller closes it: a client that goes away mid-body); -1 on failure.
int SendRaw(int port, const std::string& bytes) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
    ::close(fd);
    return -1;
  }
  return fd;
}

class TusE2e : public crm_test::E2eSiteTest {
 protected:
  TusE2e()
      : E2eSiteTest(
            {CD_E2E_SAMPLE_HOST, CD_E2E_PLUGIN_DIR, "cd-tus-e2e", kAdminEmail, kAdminPassword}) {}

  Headers Tus(Headers more = {}) {
    more.emplace_back("Tus-Resumable", "1.0.0");
    return Bearer(token_, std::move(more));
  }
  int64_t CreateClient(const std::string& first, const std::string& email) {
    json::object body{{"first_name", first}, {"last_name", "Tus"}, {"email", email}};
    HttpResponse r =
        api_->Post("/api/v1/clients", Bearer(token_, {{"Content-Type", "application/json"}}),
                   json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r).at("id").as_int64() : 0;
  }
  // A type for PDFs of at most `max_size` bytes with a required text field "Number".
  int64_t CreateType(int64_t max_size = 1 << 20) {
    json::object number{
        {"key", "number"}, {"label", "Number"}, {"type", "text"}, {"required", true}};
    json::object body{{"name", "Passport"},
                      {"upload_mode", "required"},
                      {"fields", json::array{number}},
                      {"accept", json::array{"application/pdf"}},
                      {"max_size", max_size}};
    HttpResponse r =
        api_->Post(std::string(kApi) + "/types",
                   Bearer(token_, {{"Content-Type", "application/json"}}), json::serialize(body));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r).at("id").as_int64() : 0;
  }
  std::string Collection(int64_t client) {
    return std::string(kApi) + "/clients/" + std::to_string(client) + "/uploads";
  }
  static std::string Metadata(int64_t type, const std::string& number = "X-42") {
    std::string m =
        "type_id " + Base64Encode(std::to_string(type)) + ",filename " + Base64Encode("scan.pdf");
    if (!number.empty()) m += ",number " + Base64Encode(number);
    return m + ",filetype " + Base64Encode("text/html");
  }
  // POST on the API; returns the answer (Location is the upload's path).
  HttpResponse CreateUpload(int64_t client, int64_t type, uint64_t length,
                            const std::string& body = "") {
    Headers h =
        Tus({{"Upload-Length", std::to_string(length)}, {"Upload-Metadata", Metadata(type)}});
    if (!body.empty()) h.emplace_back("Content-Type", kOctets);
    return api_->Post(Collection(client), h, body);
  }
  std::string UploadPath(int64_t client, int64_t type, uint64_t length) {
    HttpResponse r = CreateUpload(client, type, length);
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Header("Upload-Offset").value_or(""), "0");
    EXPECT_TRUE(r.Header("Upload-Expires").has_value());
    EXPECT_EQ(r.Header("Tus-Resumable").value_or(""), "1.0.0");
    return r.Header("Location").value_or("/missing-location");
  }
  HttpResponse Patch(const std::string& path, uint64_t offset, std::string_view bytes,
                     Headers more = {}) {
    more.emplace_back("Content-Type", kOctets);
    more.emplace_back("Upload-Offset", std::to_string(offset));
    return api_->Patch(path, Tus(std::move(more)), bytes);
  }
  // A PATCH from `at` that announces the rest of `file` but sends `size` bytes of it before its
  // client goes away: the server keeps them. Waits until they are recorded (a HEAD before that
  // would take over and drop them), then checks the offset HEAD gives.
  void CutPatch(const std::string& path, const std::string& file, size_t at, size_t size) {
    std::string raw = "PATCH " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                      token_ + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: " + kOctets +
                      "\r\nUpload-Offset: " + std::to_string(at) +
                      "\r\nContent-Length: " + std::to_string(file.size() - at) + "\r\n\r\n" +
                      file.substr(at, size);
    int fd = SendRaw(host_->port(), raw);
    ASSERT_GE(fd, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::close(fd);
    for (int i = 0; i < 100 && RecordedOffset() != static_cast<int64_t>(at + size); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_EQ(RecordedOffset(), static_cast<int64_t>(at + size));
    ASSERT_EQ(Offset(path), std::to_string(at + size));
  }
  std::string Offset(const std::string& path) {
    HttpResponse r = api_->Head(path, Tus());
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.Header("Cache-Control").value_or(""), "no-store");
    return r.Header("Upload-Offset").value_or("?");
  }
  json::value Document(int64_t client, int64_t type) {
    HttpResponse r = api_->Get(std::string(kApi) + "/clients/" + std::to_string(client) +
                                   "/documents/" + std::to_string(type),
                               Bearer(token_));
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }
  // The SHA-256 of the document's (first) stored file, as the API reports it.
  std::string StoredSha256(int64_t client, int64_t type) {
    return std::string(
        Document(client, type).at("files").as_array().at(0).at("sha256").as_string());
  }
  // The document's file, downloaded through the API.
  std::string Download(int64_t client, int64_t type) {
    return api_
        ->Get(std::string(kApi) + "/clients/" + std::to_string(client) + "/documents/" +
                  std::to_string(type) + "/file",
              Bearer(token_))
        .body;
  }
  // The upload became the document byte for byte and left nothing behind (rows, held bytes).
  void ExpectStoredAndNothingLeft(int64_t client, int64_t type, const std::string& bytes) {
    EXPECT_EQ(StoredSha256(client, type), Sha256Hex(bytes));
    EXPECT_EQ(Download(client, type), bytes);
    EXPECT_EQ(UploadRows(), 0);
    EXPECT_EQ(Held(), 0);
  }
  int64_t Count(const std::string& sql) { return SqlCount(sql); }
  int64_t UploadRows() {
    return Count("SELECT COUNT(*) FROM cd_uploads") + Count("SELECT COUNT(*) FROM cd_upload_parts");
  }
  // Part objects in the module's store: its folder under the data folder, or the S3 bucket.
  int PartObjects() {
    if (auto bucket = crm_test::BucketOf(site_.store_url())) {
      const std::set<std::string> keys = crm_test::ObjectsIn(*bucket);
      return static_cast<int>(std::count_if(keys.begin(), keys.end(), [](const std::string& k) {
        return k.rfind("uploads/", 0) == 0;
      }));
    }
    return static_cast<int>(
        crm_test::FilesUnder(site_.data() / "plugins" / "client-documents" / "uploads").size());
  }
  bool LocalStore() const { return !crm_test::BucketOf(site_.store_url()).has_value(); }
  // The upload files in the module's temp folder (local store): "<client>-<id>.tus".
  std::vector<std::filesystem::path> TusFiles() {
    const std::filesystem::path tmp = site_.data() / "plugins" / "client-documents" / "tmp";
    std::vector<std::filesystem::path> found;
    for (const std::string& f : crm_test::FilesUnder(tmp))
      if (f.size() > 4 && f.substr(f.size() - 4) == ".tus") found.push_back(tmp / f);
    return found;
  }
  // What holds unfinished uploads' bytes: on the local store the upload files (and never a
  // part object), in S3 the part objects.
  int Held() {
    if (!LocalStore()) return PartObjects();
    EXPECT_EQ(PartObjects(), 0);
    return static_cast<int>(TusFiles().size());
  }
  // The one upload file's size (local store), -1 when there is not exactly one.
  int64_t TusFileSize() {
    std::vector<std::filesystem::path> files = TusFiles();
    std::error_code ec;
    return files.size() == 1 ? static_cast<int64_t>(std::filesystem::file_size(files[0], ec)) : -1;
  }
  int64_t RecordedOffset() { return Count("SELECT MAX(upload_offset) FROM cd_uploads"); }
  std::string RunJobsAt(const std::string& now) {
    crm_test::CliResult ran = site_.RunJobs("--now " + now);
    EXPECT_EQ(ran.code, 0) << ran.output;
    return ran.output;
  }

  const std::string& token_ = full_;  // this suite's name for the full-scope token
};

TEST_F(TusE2e, PiecesHeadWrongOffsetAndFinishMakeTheDocument) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType();
  const std::string pdf = Pdf("tus pieces") + std::string(3000, '\n');
  const std::string path = UploadPath(ann, type, pdf.size());
  EXPECT_EQ(path.rfind(Collection(ann) + "/", 0), 0u) << path;
  EXPECT_EQ(Offset(path), "0");

  HttpResponse first = Patch(path, 0, std::string_view(pdf).substr(0, 1000));
  ASSERT_EQ(first.status, 204) << first.body;
  EXPECT_EQ(first.Header("Upload-Offset").value_or(""), "1000");
  HttpResponse head = api_->Head(path, Tus());
  EXPECT_EQ(head.Header("Upload-Offset").value_or(""), "1000");
  EXPECT_EQ(head.Header("Upload-Length").value_or(""), std::to_string(pdf.size()));
  EXPECT_EQ(head.Header("Upload-Metadata").value_or(""), Metadata(type));

  // A chunk at a stale offset is refused and changes nothing.
  EXPECT_EQ(Patch(path, 500, std::string_view(pdf).substr(500, 100)).status, 409);
  EXPECT_EQ(Offset(path), "1000");
  EXPECT_EQ(Document(ann, type).at("status").as_string(), "missing");
  EXPECT_EQ(Held(), 1);

  std::string_view rest = std::string_view(pdf).substr(1000);
  HttpResponse last = Patch(path, 1000, rest, {{"Upload-Checksum", ChecksumOf(rest)}});
  ASSERT_EQ(last.status, 204) << last.body;
  EXPECT_EQ(last.Header("Upload-Offset").value_or(""), std::to_string(pdf.size()));

  json::value doc = Document(ann, type);
  EXPECT_EQ(doc.at("status").as_string(), "uploaded");
  EXPECT_EQ(doc.at("fields").at("number").as_string(), "X-42");
  const json::value& file = doc.at("files").as_array().at(0);
  EXPECT_EQ(file.at("sha256").as_string(), Sha256Hex(pdf));
  EXPECT_EQ(file.at("mime").as_string(), "application/pdf");
  EXPECT_EQ(file.at("name").as_string(), "scan.pdf");
  EXPECT_EQ(file.at("size").as_int64(), static_cast<int64_t>(pdf.size()));
  EXPECT_EQ(Download(ann, type), pdf);
  // The upload is gone once it became the document: its rows and its parts.
  EXPECT_EQ(api_->Head(path, Tus()).status, 404);
  EXPECT_EQ(UploadRows(), 0);
  EXPECT_EQ(Held(), 0);
}

TEST_F(TusE2e, ACutConnectionKeepsWhatArrivedAndTheUploadResumes) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType();
  const std::string pdf = Pdf("tus resume") + std::string(20000, '%');
  const std::string path = UploadPath(ann, type, pdf.size());
  const size_t sent = 12345;
  ASSERT_NO_FATAL_FAILURE(CutPatch(path, pdf, 0, sent));
  EXPECT_EQ(Held(), 1);
  if (LocalStore()) {
    // One file, written in place: the bytes that arrived, no part row.
    EXPECT_EQ(TusFileSize(), static_cast<int64_t>(sent));
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_upload_parts"), 0);
  }
  // A second cut further on: the same file grows (in S3 the part object under the minimum is
  // replaced by one that holds both cuts' bytes).
  const size_t more = 4000;
  ASSERT_NO_FATAL_FAILURE(CutPatch(path, pdf, sent, more));
  EXPECT_EQ(Held(), 1);
  if (LocalStore()) {
    EXPECT_EQ(TusFileSize(), static_cast<int64_t>(sent + more));
  } else {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_upload_parts WHERE start_offset = 0 AND size = " +
                    std::to_string(sent + more)),
              1);
  }
  const size_t at = sent + more;
  HttpResponse rest = Patch(path, at, std::string_view(pdf).substr(at));
  ASSERT_EQ(rest.status, 204) << rest.body;
  ExpectStoredAndNothingLeft(ann, type, pdf);
}

TEST_F(TusE2e, ARestartMidUploadKeepsTheSyncedOffsetAndTheUploadCompletes) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType();
  const std::string pdf = Pdf("tus restart") + std::string(50000, '#');
  const std::string path = UploadPath(ann, type, pdf.size());
  ASSERT_EQ(Patch(path, 0, std::string_view(pdf).substr(0, 30000)).status, 204);
  EXPECT_EQ(Held(), 1);
  if (LocalStore()) {
    EXPECT_EQ(TusFileSize(), 30000);
  }
  ASSERT_NO_FATAL_FAILURE(StartHost());  // the server stops and starts again
  EXPECT_EQ(Offset(path), "30000");
  HttpResponse rest = Patch(path, 30000, std::string_view(pdf).substr(30000));
  ASSERT_EQ(rest.status, 204) << rest.body;
  // After the restart nothing of the running hash is left: the file is hashed again.
  ExpectStoredAndNothingLeft(ann, type, pdf);
}

TEST_F(TusE2e, AHeadTakesOverAPatchStillInFlight) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType();
  const std::string pdf = Pdf("tus takeover") + std::string(20000, '%');
  const std::string path = UploadPath(ann, type, pdf.size());
  // A PATCH whose client went quiet: its connection stays open, the bytes stop coming.
  std::string raw = "PATCH " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                    token_ + "\r\nTus-Resumable: 1.0.0\r\nContent-Type: " + kOctets +
                    "\r\nUpload-Offset: 0\r\nContent-Length: " + std::to_string(pdf.size()) +
                    "\r\n\r\n" + pdf.substr(0, 5000);
  int stale = SendRaw(host_->port(), raw);
  ASSERT_GE(stale, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // The client comes back on another connection: HEAD says 0, and 0 stays true.
  EXPECT_EQ(Offset(path), "0");
  ::close(stale);  // the stale PATCH ends now: its 5000 bytes must not count
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(Offset(path), "0");
  // In S3 the stale part object is gone; on the local store the upload's one file may hold the
  // stale bytes past the offset: they do not count, and the next PATCH writes over them.
  EXPECT_EQ(Held(), LocalStore() ? 1 : 0);
  HttpResponse whole = Patch(path, 0, pdf);
  ASSERT_EQ(whole.status, 204) << whole.body;
  EXPECT_EQ(StoredSha256(ann, type), Sha256Hex(pdf));
  EXPECT_EQ(UploadRows(), 0);
  EXPECT_EQ(Held(), 0);
}

// Megabytes: a PATCH of 6 MiB, one cut after 12 MiB, one cut after 1 MiB, the rest with a
// checksum. On the local store the one file grows in place; in S3 (host API 1.7, parts) the bytes
// go once as numbered parts of the object that becomes the document's file (a part is sent once
// S3's 5 MiB minimum is behind it; a PATCH that brings less waits as one part object, which the
// next PATCH sends again in its part).
TEST_F(TusE2e, LargeChunksGoOnceIntoTheDocumentsFile) {
  constexpr size_t kMiB = 1u << 20;
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType(32 * kMiB);
  std::string pdf = Pdf("tus large");
  for (unsigned i = 0; pdf.size() < 20 * kMiB; ++i) pdf += std::to_string(i * 2654435761u) + "\n";
  pdf.resize(20 * kMiB);
  const std::string path = UploadPath(ann, type, pdf.size());
  const std::string object =
      LocalStore()
          ? ""
          : SqlText("SELECT object_key FROM cd_uploads WHERE client_id = " + std::to_string(ann));
  if (!LocalStore()) {
    EXPECT_EQ(object.rfind("files/" + std::to_string(ann) + "/", 0), 0u) << object;
  }
  const std::string numbered = "SELECT COUNT(*) FROM cd_upload_parts WHERE part_number > 0";
  ASSERT_EQ(Patch(path, 0, std::string_view(pdf).substr(0, 6 * kMiB)).status, 204);
  EXPECT_EQ(Offset(path), std::to_string(6 * kMiB));
  if (!LocalStore()) {
    EXPECT_EQ(Count(numbered), 1);  // over S3's minimum: a part of the object, no part object
    EXPECT_EQ(PartObjects(), 0);
  }
  ASSERT_NO_FATAL_FAILURE(
      CutPatch(path, pdf, 6 * kMiB, 12 * kMiB));  // 5 MiB sent on the way, 7 at the cut
  if (!LocalStore()) {
    EXPECT_EQ(Count(numbered), 3);
    EXPECT_EQ(PartObjects(), 0);
  }
  ASSERT_NO_FATAL_FAILURE(
      CutPatch(path, pdf, 18 * kMiB, kMiB));  // under the minimum: a part object
  if (LocalStore()) {
    EXPECT_EQ(TusFileSize(), static_cast<int64_t>(19 * kMiB));
  } else {
    EXPECT_EQ(Count(numbered), 3);
    EXPECT_EQ(PartObjects(), 1);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_upload_parts WHERE part_number = 0 AND size = " +
                    std::to_string(kMiB)),
              1);
  }

  std::string_view rest = std::string_view(pdf).substr(19 * kMiB);
  HttpResponse last = Patch(path, 19 * kMiB, rest, {{"Upload-Checksum", ChecksumOf(rest)}});
  ASSERT_EQ(last.status, 204) << last.body;
  ExpectStoredAndNothingLeft(ann, type, pdf);
  if (!LocalStore()) {
    // The document's file is the object the parts made: nothing was copied into another.
    EXPECT_EQ(crm_test::ModuleBlobs(site_.data(), site_.store_url()),
              (std::set<std::string>{object}));
  }
}

TEST_F(TusE2e, CreationWithUploadStoresTheDocumentInOneRequest) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType();
  const std::string pdf = Pdf("tus one request");
  HttpResponse r = CreateUpload(ann, type, pdf.size(), pdf);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Header("Upload-Offset").value_or(""), std::to_string(pdf.size()));
  EXPECT_EQ(StoredSha256(ann, type), Sha256Hex(pdf));
  EXPECT_EQ(UploadRows(), 0);
}

TEST_F(TusE2e, ProtocolErrorsStoreNothing) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType(4096);
  // 413 at creation for a declared length over the type's max_size.
  HttpResponse big = CreateUpload(ann, type, 5000);
  EXPECT_EQ(big.status, 413) << big.body;
  EXPECT_EQ(Json(big).at("error").at("code").as_string(), "too_large");
  // 412 without Tus-Resumable, 400 without Upload-Length, 422 without a required field or type.
  EXPECT_EQ(api_->Post(Collection(ann), Bearer(token_, {{"Upload-Length", "10"}})).status, 412);
  EXPECT_EQ(api_->Post(Collection(ann), Tus({{"Upload-Metadata", Metadata(type)}})).status, 400);
  EXPECT_EQ(api_->Post(Collection(ann),
                       Tus({{"Upload-Length", "10"}, {"Upload-Metadata", Metadata(type, "")}}))
                .status,
            422);
  EXPECT_EQ(api_->Post(Collection(ann),
                       Tus({{"Upload-Length", "10"}, {"Upload-Metadata", "filename c2Nhbi5wZGY="}}))
                .status,
            422);
  EXPECT_EQ(
      api_->Post(Collection(ann), Tus({{"Upload-Length", "10"}, {"Upload-Metadata", "type_id !!"}}))
          .status,
      400);
  EXPECT_EQ(CreateUpload(999999, type, 10).status, 404);
  EXPECT_EQ(UploadRows(), 0);

  const std::string pdf = Pdf("tus errors");
  const std::string path = UploadPath(ann, type, pdf.size());
  // 460 for a checksum that does not match, 400 for another algorithm, 415 for another body.
  HttpResponse bad = Patch(path, 0, pdf, {{"Upload-Checksum", ChecksumOf("something else")}});
  EXPECT_EQ(bad.status, 460) << bad.body;
  EXPECT_EQ(Patch(path, 0, pdf, {{"Upload-Checksum", "md5 AAAA"}}).status, 400);
  EXPECT_EQ(
      api_->Patch(path, Tus({{"Content-Type", "application/pdf"}, {"Upload-Offset", "0"}}), pdf)
          .status,
      415);
  // Past the declared length: 413.
  EXPECT_EQ(Patch(path, 0, pdf + "more").status, 413);
  EXPECT_EQ(Offset(path), "0");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cd_upload_parts"), 0);
  EXPECT_EQ(Held(), 0);
  EXPECT_EQ(Document(ann, type).at("status").as_string(), "missing");
}

TEST_F(TusE2e, AFileOfAnotherKindIsRefusedAtTheEndAndNothingStays) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType();
  const std::string path = UploadPath(ann, type, crm_test::kPng.size());
  HttpResponse r = Patch(path, 0, crm_test::kPng);
  EXPECT_EQ(r.status, 415) << r.body;
  EXPECT_EQ(Document(ann, type).at("status").as_string(), "missing");
  EXPECT_EQ(api_->Head(path, Tus()).status, 404);
  EXPECT_EQ(UploadRows(), 0);
  EXPECT_EQ(Held(), 0);
  // In S3 the parts were joined into an object before the bytes were sniffed: it is gone too.
  EXPECT_TRUE(crm_test::ModuleBlobs(site_.data(), site_.store_url()).empty());
}

TEST_F(TusE2e, TerminationRemovesTheUploadAndItsParts) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType();
  const std::string pdf = Pdf("tus terminate");
  const std::string path = UploadPath(ann, type, pdf.size());
  ASSERT_EQ(Patch(path, 0, std::string_view(pdf).substr(0, 100)).status, 204);
  EXPECT_EQ(Held(), 1);
  HttpResponse del = api_->Delete(path, Tus());
  EXPECT_EQ(del.status, 204) << del.body;
  EXPECT_EQ(api_->Head(path, Tus()).status, 404);
  EXPECT_EQ(Patch(path, 100, "x").status, 404);
  EXPECT_EQ(UploadRows(), 0);
  EXPECT_EQ(Held(), 0);
}

TEST_F(TusE2e, TheSweepRemovesExpiredUploadsOnly) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType();
  const std::string pdf = Pdf("tus sweep");
  const std::string path = UploadPath(ann, type, pdf.size());
  ASSERT_EQ(Patch(path, 0, std::string_view(pdf).substr(0, 100)).status, 204);
  RunJobsAt(IsoIn(3600));  // within the 24 h: kept
  EXPECT_EQ(Offset(path), "100");
  EXPECT_EQ(Held(), 1);
  if (LocalStore()) {
    EXPECT_EQ(TusFileSize(), 100);
    // A file no row names (a crash between the row's removal and the file's): swept once old.
    std::ofstream(site_.data() / "plugins" / "client-documents" / "tmp" /
                  (std::to_string(ann) + "-0123456789abcdef0123456789abcdef.tus"))
        << "orphan";
    EXPECT_EQ(TusFiles().size(), 2u);
  }
  RunJobsAt(IsoIn(25 * 3600));
  EXPECT_EQ(api_->Head(path, Tus()).status, 404);
  EXPECT_EQ(UploadRows(), 0);
  EXPECT_EQ(Held(), 0);
}

TEST_F(TusE2e, TheClientAreaContinuesOnlyItsOwnUploads) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t bob = CreateClient("Bob", "bob@tus-e2e.test");
  int64_t type = CreateType();
  std::string ann_csrf, bob_csrf;
  auto ann_web = crm_test::ClientSession(host_->port(), kAdminEmail, kAdminPassword, ann,
                                         "ann@tus-e2e.test", kClientPassword, &ann_csrf);
  auto bob_web = crm_test::ClientSession(host_->port(), kAdminEmail, kAdminPassword, bob,
                                         "bob@tus-e2e.test", kClientPassword, &bob_csrf);
  const std::string pdf = Pdf("tus client area");
  Headers create{{"Tus-Resumable", "1.0.0"},
                 {"Upload-Length", std::to_string(pdf.size())},
                 {"Upload-Metadata", Metadata(type)}};
  // The host wants the CSRF header of the session on every unsafe method.
  EXPECT_EQ(ann_web->Post("/account/documents/uploads", create).status, 403);
  create.emplace_back("X-CSRF-Token", ann_csrf);
  HttpResponse made = ann_web->Post("/account/documents/uploads", create);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path = made.Header("Location").value_or("");
  ASSERT_EQ(path.rfind("/account/documents/uploads/", 0), 0u) << path;

  // Bob, the API on Bob's id and the API on Ann's id (another channel) see nothing.
  const std::string id = path.substr(path.rfind('/') + 1);
  EXPECT_EQ(bob_web->Head(path, {{"Tus-Resumable", "1.0.0"}}).status, 404);
  EXPECT_EQ(bob_web
                ->Patch(path,
                        {{"Tus-Resumable", "1.0.0"},
                         {"X-CSRF-Token", bob_csrf},
                         {"Content-Type", kOctets},
                         {"Upload-Offset", "0"}},
                        pdf)
                .status,
            404);
  EXPECT_EQ(bob_web->Delete(path, {{"Tus-Resumable", "1.0.0"}, {"X-CSRF-Token", bob_csrf}}).status,
            404);
  EXPECT_EQ(api_->Head(Collection(bob) + "/" + id, Tus()).status, 404);
  EXPECT_EQ(api_->Head(Collection(ann) + "/" + id, Tus()).status, 404);
  EXPECT_EQ(Count("SELECT upload_offset FROM cd_uploads"), 0);

  HttpResponse done = ann_web->Patch(path,
                                     {{"Tus-Resumable", "1.0.0"},
                                      {"X-CSRF-Token", ann_csrf},
                                      {"Content-Type", kOctets},
                                      {"Upload-Offset", "0"}},
                                     pdf);
  ASSERT_EQ(done.status, 204) << done.body;
  json::value doc = Document(ann, type);
  EXPECT_EQ(doc.at("uploaded_by").as_string(), "client");
  EXPECT_EQ(doc.at("files").as_array().at(0).at("sha256").as_string(), Sha256Hex(pdf));
  EXPECT_EQ(Document(bob, type).at("status").as_string(), "missing");
}

TEST_F(TusE2e, DeletingTheClientRemovesItsUnfinishedUploads) {
  int64_t ann = CreateClient("Ann", "ann@tus-e2e.test");
  int64_t type = CreateType();
  const std::string pdf = Pdf("tus deletion");
  const std::string path = UploadPath(ann, type, pdf.size());
  ASSERT_EQ(Patch(path, 0, std::string_view(pdf).substr(0, 100)).status, 204);
  ASSERT_EQ(api_->Delete("/api/v1/clients/" + std::to_string(ann), Bearer(token_)).status, 204);
  EXPECT_EQ(UploadRows(), 0);
  EXPECT_EQ(Held(), 0);
}

}  // namespace
