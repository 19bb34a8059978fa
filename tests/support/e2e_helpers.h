// tests/support/e2e_helpers.h — the small things every end-to-end suite and benchmark needs
// around the real sample-host: parsing a JSON answer, the CSRF token of a page, test files (a
// tiny PDF, a 1×1 PNG), SHA-256, dates relative to today, and logging in as the admin or as a
// client. One copy here; suites keep only what is theirs.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/http_client.h"

namespace crm_test {

// The body of `r` as JSON; a failed expectation (with the status and the start of the body)
// and a null value when it is not JSON.
boost::json::value Json(const HttpResponse& r);

// The CSRF token of a page: the `csrf-token` meta tag, else the first `_csrf` form field; "" when
// there is none.
std::string CsrfFrom(const std::string& html);

// A small valid PDF whose bytes contain `marker` (so two uploads differ).
std::string Pdf(const std::string& marker);
// A valid 1×1 PNG (70 bytes).
extern const std::string kPng;

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes);

// YYYY-MM-DD of today (UTC) plus `days`.
std::string Day(int days);
// YYYY-MM-DDTHH:MM:SSZ of now (UTC) plus `seconds`.
std::string IsoIn(int64_t seconds);

// Every mail the host wrote under `data` (its outbox), in file-name order (by second, not within
// one), with the quoted-printable soft line breaks and "=3D" undone so that links read whole.
std::vector<std::string> OutboxMails(const std::filesystem::path& data);
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

}  // namespace crm_test
