// sample-host/app/app_authenticator.h — who is calling, for the server: the session cookie, else a
// bearer token, else anonymous; and the language pages are shown in.
#pragma once

#include <optional>
#include <string>

#include "host-api/http.h"
#include "host-api/sql.h"
#include "sample-host/http/server.h"

namespace host {

class Auth;

// The server's Authenticator: `sid` cookie session, else `Authorization: Bearer`
// token, else anonymous. Language: the `lang` cookie (the switcher's choice), else the
// user's stored one, else Accept-Language, else "en".
// `auth` (and `db`) must outlive it. With `db`, a credential that does not resolve while the
// database cannot be reached throws AuthenticatorUnavailable (503) instead of going anonymous.
class AppAuthenticator : public Authenticator {
 public:
  explicit AppAuthenticator(Auth& auth, crm::Database* db = nullptr) : auth_(auth), db_(db) {}
  crm::Principal Authenticate(const RequestHead& head) override;

  // "fr" from "fr-BE,fr;q=0.9,en;q=0.8"; "en" when nothing fits.
  static std::string LanguageFrom(std::optional<std::string> lang_cookie,
                                  std::optional<std::string> accept_language);

 private:
  // Throws AuthenticatorUnavailable when db_ answers kUnavailable.
  void CheckDatabaseReachable() const;

  Auth& auth_;
  crm::Database* db_;
};

}  // namespace host
