// tests/support/e2e_helpers.h — the small things every end-to-end suite and benchmark needs
// around the real sample-host: parsing a JSON answer, the CSRF token of a page, test files (a
// tiny PDF, a 1×1 PNG), SHA-256, dates relative to today, and logging in as the admin or as a
// client. One copy here; suites keep only what is theirs.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
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
// A valid 1×1 PNG (70 bytes).
extern const std::string kPng;

// The whole content of a file ("" when it cannot be read).
std::string ReadFile(const std::filesystem::path& path);

// Every regular file under `root`, as paths relative to it (empty when `root` does not exist).
std::set<std::string> FilesUnder(const std::filesystem::path& root);

// Every mail (*.eml) below `dir` (a data folder or its outbox), oldest first (by name), with
// quoted-printable soft breaks and =3D undone so that links and tokens read whole.
std::vector<std::string> OutboxMails(const std::filesystem::path& dir);

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes);

// YYYY-MM-DD of today (UTC) plus `days`.
std::string Day(int days);
// YYYY-MM-DDTHH:MM:SSZ of now (UTC) plus `seconds`.
std::string IsoIn(int64_t seconds);

// The first "token=HEX64" after `path` in `mail`; "" when there is none.
std::string MailedToken(const std::string& mail, const std::string& path);

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

}  // namespace crm_test
