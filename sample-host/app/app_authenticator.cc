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

crm::Principal AppAuthenticator::Authenticate(const RequestHead& head) {
  try {
    if (auto sid = head.Cookie("sid")) {
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
        if (auto p = auth_.TokenPrincipal(crm::text::TrimAll(v.substr(7)))) return *p;
      }
    }
  } catch (...) {
    // Anonymous on any failure: the route's audience check then refuses.
  }
  crm::Principal anon;
  anon.language = LanguageFrom(head.Cookie("lang"), head.Header("Accept-Language"));
  return anon;
}

}  // namespace host
