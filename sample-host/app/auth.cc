// sample-host/app/auth.cc — wires the parts of the host's logins together, and builds the host's
// cookies (Secure behind https).
#include "sample-host/app/auth.h"

#include "text/text.h"

namespace host {

namespace {

ClientLogins::Translate TranslateWith(const HookRegistry& registry) {
  return [&registry](std::string_view language, std::string_view key) {
    return registry.Translate(language, key);
  };
}

}  // namespace

Auth::Auth(crm::Database& db, const HookRegistry& registry, Clock now, MailSender send_mail,
           std::string base_url)
    : secure_cookies_(
          crm::text::EqualsIgnoreCaseAscii(std::string_view(base_url).substr(0, 8), "https://")),
      admins_(db, registry, now),
      rate_limit_(db, now),
      sessions_(db, admins_, rate_limit_, now),
      client_logins_(db, rate_limit_, now, std::move(send_mail), TranslateWith(registry), base_url),
      api_tokens_(db, admins_, now),
      security_(db, rate_limit_, client_logins_, TranslateWith(registry), now,
                std::move(base_url)) {}

std::string Auth::SetCookie(std::string_view name, std::string_view value, int64_t max_age_seconds,
                            bool http_only) const {
  return BuildSetCookie(name, value, max_age_seconds, http_only, secure_cookies_);
}

std::string Auth::SessionCookie(std::string_view session_id, int64_t max_age_seconds) const {
  return SetCookie("sid", session_id, max_age_seconds);
}

std::string Auth::ClearSessionCookie() const { return SetCookie("sid", "", 0); }

}  // namespace host
