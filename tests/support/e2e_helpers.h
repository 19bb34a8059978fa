// tests/support/e2e_helpers.h — the small things every end-to-end suite and benchmark needs
// around the real sample-host: parsing a JSON answer, the CSRF token of a page, test files (a
// tiny PDF, a 1×1 PNG), SHA-256, dates relative to today, and logging in as the admin or as a
// client. One copy here; suites keep only what is theirs.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/support/e2e_env.h"
#include "tests/support/http_client.h"

namespace crm_test {

// The body of `r` as JSON; a failed expectation (with the status and the start of the body)
// and a null value when it is not JSON.
boost::json::value Json(const HttpResponse& r);

// The code of a `{"error":{"code","message"}}` body, failing the test when the shape is wrong
// (no error object, no code, an empty message).
std::string ErrorCode(const HttpResponse& r);

// The CSRF token of a page: the `csrf-token` meta tag, else the first `_csrf` form field; "" when
// there is none.
std::string CsrfFrom(const std::string& html);

// A small valid PDF whose bytes contain `marker` (so two uploads differ).
std::string Pdf(const std::string& marker);
// A well-formed PDF of `pages` empty A4 pages (with its cross-reference table: poppler reads it,
// unlike Pdf's, which has no page), `marker` in a comment.
std::string PagedPdf(int pages, const std::string& marker);
// A valid 1×1 PNG (70 bytes).
extern const std::string kPng;

// The whole content of a file ("" when it cannot be read).
std::string ReadFile(const std::filesystem::path& path);

// Every regular file under `root`, as paths relative to it (empty when `root` does not exist).
std::set<std::string> FilesUnder(const std::filesystem::path& root);

// Every mail (*.eml) below `dir` (a data folder or its outbox), oldest first (by name), with
// its quoted-printable undone (soft breaks, =3D, and every =XX byte: UTF-8 text reads whole).
std::vector<std::string> OutboxMails(const std::filesystem::path& dir);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes);

// YYYY-MM-DD of today (UTC) plus `days`.
std::string Day(int days);
// YYYY-MM-DDTHH:MM:SSZ of now (UTC) plus `seconds`.
std::string IsoIn(int64_t seconds);

// The first "token=HEX64" after `path` in `mail`; "" when there is none.
std::string MailedToken(const std::string& mail, const std::string& path);
// The module's API (SPEC §5) as a test arranges data, with a token holding every scope; each
// failure is a failed expectation (and 0 for an id).
// POST /api/v1/clients {first_name, last_name "E2e", email, language}: the new client's id.
int64_t CreateE2eClient(HttpClient& api, const std::string& token, const std::string& first_name,
                        const std::string& email, const std::string& language = "en");
// POST …/client-documents/types with `body`: the new type's id.
int64_t CreateDocumentType(HttpClient& api, const std::string& token,
                           const boost::json::object& body);
// "/api/v1/plugins/client-documents/clients/<client>/documents/<type>".
std::string DocumentPath(int64_t client_id, int64_t type_id);
// POST DocumentPath with a small PDF (Pdf(marker)) and `fields` as multipart form parts.
HttpResponse UploadPdf(HttpClient& api, const std::string& token, int64_t client_id,
                       int64_t type_id, const std::string& marker,
                       const std::map<std::string, std::string>& fields = {});

// The bucket of a site started with --store (s3rver answers unsigned requests), nullopt without.
struct Bucket {
  uint16_t port = 0;
  std::string name;
};
std::optional<Bucket> BucketOf(const std::string& store_url);
// The objects under `prefix` of the bucket (keys without the prefix), read unsigned: by default
// the module's, another prefix for the host's own ("host/attachments/").
inline constexpr char kModuleObjectPrefix[] = "plugins/client-documents/";
std::set<std::string> ObjectsIn(const Bucket& b, const std::string& prefix = kModuleObjectPrefix);
// The module's stored blobs ("files/<client_id>/<name>.bin", thumbnails left out) of the site
// whose data folder is `data`: in the bucket of `store_url`, or on the local disk without one.
std::set<std::string> ModuleBlobs(const std::filesystem::path& data, const std::string& store_url);

// A cookie-keeping client logged in at /admin/login (expects the 303); `*csrf` gets the token of
// /admin/clients.
std::unique_ptr<HttpClient> AdminSession(int port, const std::string& email,
                                         const std::string& password, std::string* csrf);

// Gives client `client_id` a login with `password` through the admin pages (as `admin_email`),
// then returns a cookie-keeping client logged in at /account/login as `client_email`; `*csrf` gets
// the token of /account/documents.
std::unique_ptr<HttpClient> ClientSession(int port, const std::string& admin_email,
                                          const std::string& admin_password, int64_t client_id,
                                          const std::string& client_email,
                                          const std::string& password, std::string* csrf);

// The module's stored objects of one client (keys under files/<client_id>/): on the local disk
// (DATA/plugins/client-documents/files/<client_id>/) or, when the site runs with --store, in its
// bucket (s3rver answers unsigned listings).
std::set<std::string> ClientObjects(const E2eSite& site, int64_t client_id);

// The output of `sql` (no double quotes in it) run on the site's database: the sqlite3 tool on
// DATA/host.db, or psql -tA on its PostgreSQL database; trailing newlines cut, errors included.
std::string SiteQuery(const E2eSite& site, const std::string& sql);

// The host's own objects under `folder` ("attachments", "avatars") of a site, as keys relative
// to it: DATA/host/<folder>/ on the local disk, or "host/<folder>/" in the bucket of --store.
std::set<std::string> HostObjects(const E2eSite& site, const std::string& folder);

}  // namespace crm_test
