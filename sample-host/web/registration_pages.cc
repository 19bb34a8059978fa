// sample-host/web/registration_pages.cc — the self-registration form and its POST: validation
// before anything is stored, the client created with its origin, then its password and the
// confirmation email (undone when the password is refused).
#include "sample-host/web/registration_pages.h"

#include "sample-host/app/client_profile.h"
#include "sample-host/web/html.h"
#include "sample-host/web/page_support.h"
#include "sample-host/web/timeline_text.h"

namespace host::web {
namespace {

using Layout = crm::PageReply::Layout;
constexpr size_t kMinPassword = 8;

std::string Field(const crm::Request& rq, std::string_view name) {
  return rq.FormValue(name).value_or("");
}

crm::Status ShowForm(const RegistrationDeps& d, crm::Request& rq, crm::Response& rs,
                     TemplateData data, int status) {
  PageContext page(d.registry, rq);
  return page.Send(rs, "account_register", std::move(data), page.texts().Get("register.title"),
                   Layout::kBare, status);
}

crm::Status HandleForm(const RegistrationDeps& d, crm::Request& rq, crm::Response& rs) {
  TemplateData data;
  data.set("form", true);
  for (const char* utm : {"utm_source", "utm_medium", "utm_campaign"}) {
    data.set(utm, rq.Query(utm).value_or(""));
  }
  data.set("referrer", std::string(rq.Header("Referer").value_or("")));
  return ShowForm(d, rq, rs, data, 200);
}

// The form again with its values (never the password) and the reason.
crm::Status Refuse(const RegistrationDeps& d, crm::Request& rq, crm::Response& rs,
                   std::string error, int status) {
  TemplateData data;
  data.set("form", true);
  for (const char* f : {"first_name", "last_name", "email", "utm_source", "utm_medium",
                        "utm_campaign", "referrer"}) {
    data.set(f, Field(rq, f));
  }
  data.set("error", std::move(error));
  return ShowForm(d, rq, rs, data, status);
}

crm::Status HandlePost(const RegistrationDeps& d, crm::Request& rq, crm::Response& rs) {
  PageContext page(d.registry, rq);
  const Texts& texts = page.texts();
  Client c;
  c.first_name = Field(rq, "first_name");
  c.last_name = Field(rq, "last_name");
  c.email = Field(rq, "email");
  c.language = texts.language();
  c.login_enabled = true;
  c.origin = {Field(rq, "utm_source"), Field(rq, "utm_medium"), Field(rq, "utm_campaign"),
              Field(rq, "referrer"), DeviceFromUserAgent(rq.Header("User-Agent").value_or(""))};
  c.origin.source = c.origin.source.empty() ? "self-registration" : c.origin.source;
  std::string ip(rq.RemoteAddress());
  if (!d.auth.rate_limit().Check(c.email, ip).ok()) {
    return Refuse(d, rq, rs, texts.Get("register.too_many"), 429);
  }
  d.auth.rate_limit().Record(c.email, ip, false);  // every attempt counts
  std::string password = Field(rq, "password");
  if (c.email.empty() || password.size() < kMinPassword) {
    return Refuse(d, rq, rs, texts.Get("register.need_email_password"), 422);
  }
  auto created = d.clients.Create(c);
  if (!created.ok() && created.status().code() != crm::StatusCode::kConflict) {
    if (created.status().http_status() >= 500) return created.status();
    return Refuse(d, rq, rs, created.status().message(), 422);
  }
  if (created.ok()) {
    crm::Status s = d.auth.SetClientPassword(created->id, password);
    if (!s.ok()) {
      (void)d.clients.Delete(created->id);  // nothing kept of a refused registration
      return Refuse(d, rq, rs, s.message(), 422);
    }
    (void)d.timeline.Add(
        {created->id, "host.registration", TimelineMessage("web.register.timeline"), "", "client"});
    CRM_RETURN_IF_ERROR(d.auth.SendEmailConfirmation(created->id));
  }
  // A taken email gets the same answer (no account enumeration) and no change.
  TemplateData done;
  done.set("done", true);
  return ShowForm(d, rq, rs, done, 200);
}

}  // namespace

crm::Status RegisterRegistrationPages(crm::Registrar& registrar, const RegistrationDeps& deps) {
  for (const char* method : {"GET", "POST"}) {
    crm::Route route;
    route.method = method;
    route.pattern = "/account/register";
    bool post = std::string_view(method) == "POST";
    route.handler = [deps, post](crm::Request& rq, crm::Response& rs) {
      return post ? HandlePost(deps, rq, rs) : HandleForm(deps, rq, rs);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace host::web
