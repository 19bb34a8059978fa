// sample-host/app/app_authenticator.cc — turns a request's cookie or bearer header into a
// Principal; any failure leaves the caller anonymous, so the route's audience check refuses.
#include "sample-host/app/app_authenticator.h"

#include "sample-host/app/auth.h"
#include "text/text.h"

namespace host {

std::string AppAuthenticator::LanguageFrom(std::optional<std::string> lang_cookie,
                                           std::optional<std::string> accept_language) {
  if (lang_cookie && crm::IsLanguage(*lang_cookie)) return *lang_cookie;
  if (accept_language) {
    std::string best = crm::text::BestAcceptLanguage(*accept_language);
    if (!best.empty()) return best;
  }
  return "en";
}

void AppAuthenticator::CheckDatabaseReachable() const {
  if (db_ == nullptr) return;
  auto probe = db_->QueryOne("SELECT 1");
  if (!probe.ok() && probe.status().code() == crm::StatusCode::kUnavailable) {
    throw AuthenticatorUnavailable(probe.status().message());
  }
}

crm::Principal AppAuthenticator::Authenticate(const RequestHead& head) {
  bool presented = false;  // a credential that did not resolve: maybe the database is down
  try {
    if (auto sid = head.Cookie("sid")) {
      presented = true;
      if (auto p = auth_.SessionPrincipal(*sid)) {
        // The language switcher's cookie wins over the stored preference for what
        // pages show (an admin switching to Dutch sees Dutch at once).
        if (auto lang = head.Cookie("lang"); lang && crm::IsLanguage(*lang)) p->language = *lang;
        return *p;
      }
    }
    if (auto authz = head.Header("Authorization")) {
      std::string_view v = *authz;
      if (v.size() > 7 && crm::text::EqualsIgnoreCaseAscii(v.substr(0, 7), "bearer ")) {
        presented = true;
        if (auto p = auth_.TokenPrincipal(crm::text::TrimAll(v.substr(7)))) return *p;
      }
    }
  } catch (...) {
    // Anonymous on any failure: the route's audience check then refuses.
  }
  if (presented) CheckDatabaseReachable();
  crm::Principal anon;
  anon.language = LanguageFrom(head.Cookie("lang"), head.Header("Accept-Language"));
  return anon;
}

}  // namespace host
