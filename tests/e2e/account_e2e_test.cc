// tests/e2e/account_e2e_test.cc — issue 14 (SPEC H17) against the real sample-host: "forgot
// password" for clients and admins from the login pages (the mailed link, single use, the same
// answer for an unknown email, the rate limit, old sessions ended, a GET that changes nothing),
// and one's own password and email change (current password, the new email confirmed by its link,
// refused in an impersonated session); and the client's avatar (sniffed types, size limit, no
// metadata, served under a generated name, deleted with the client, initials that keep accents).
#include <gtest/gtest.h>
#include <vips/vips8>

#include <boost/json.hpp>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/support/e2e_env.h"
#include "tests/support/e2e_helpers.h"
#include "tests/support/e2e_site_test.h"
#include "tests/support/host_process.h"
#include "tests/support/http_client.h"

namespace {

namespace json = boost::json;
using crm_test::Bearer;
using crm_test::CsrfFrom;
using crm_test::HttpClient;
using crm_test::HttpResponse;
using crm_test::Json;
using crm_test::MailedToken;
using crm_test::UrlEncode;

constexpr char kBinary[] = CRM_E2E_SAMPLE_HOST;
constexpr char kPluginDir[] = CRM_E2E_PLUGIN_DIR;
constexpr char kAdminEmail[] = "boss@account.test";
constexpr char kAdminPassword[] = "e2e-password-42";
constexpr char kClientEmail[] = "elise@account.test";
constexpr char kClientPassword[] = "client-pass-123";
const crm_test::Headers kForm{{"Content-Type", "application/x-www-form-urlencoded"}};

class AccountE2e : public crm_test::E2eSiteTest {
 protected:
  AccountE2e() : E2eSiteTest({kBinary, kPluginDir, "account-e2e", kAdminEmail, kAdminPassword}) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(E2eSiteTest::SetUp());
    HttpResponse c = api_->Post(
        "/api/v1/clients", Bearer(token_, {{"Content-Type", "application/json"}}),
        R"({"first_name":"Élise","last_name":"Roux","email":"elise@account.test","language":"fr"})");
    ASSERT_EQ(c.status, 201) << c.body;
    client_id_ = Json(c).at("id").as_int64();
    client_ = crm_test::ClientSession(host_->port(), kAdminEmail, kAdminPassword, client_id_,
                                      kClientEmail, kClientPassword, &client_csrf_);
    Fresh();  // the mails so far are not this test's
  }

  // The outbox's mails not returned before.
  std::vector<std::string> Fresh() {
    std::vector<std::string> out;
    for (std::string& m : crm_test::OutboxMails(site_.data())) {
      if (seen_.insert(m).second) out.push_back(std::move(m));
    }
    return out;
  }
  std::string ClientEmail() {
    return std::string(
        Json(api_->Get("/api/v1/clients/" + std::to_string(client_id_), Bearer(token_)))
            .at("email")
            .as_string());
  }
  int Login(const std::string& area, const std::string& email, const std::string& password) {
    HttpClient b(host_->port(), HttpClient::Options{true, 60});
    return b
        .Post(area + "/login", kForm,
              "email=" + UrlEncode(email) + "&password=" + UrlEncode(password))
        .status;
  }

  const std::string& token_ = full_;  // this suite's name for the full-scope token
  int64_t client_id_ = 0;
  std::unique_ptr<HttpClient> client_;
  std::string client_csrf_;
  std::set<std::string> seen_;
};

TEST_F(AccountE2e, ClientResetsThePasswordFromTheMailedLink) {
  HttpClient anon(host_->port(), HttpClient::Options{true, 60});
  EXPECT_NE(anon.Get("/account/login").body.find("href=\"/account/password/forgot\""),
            std::string::npos);
  ASSERT_EQ(anon.Get("/account/password/forgot").status, 200);
  // The same answer for a known and an unknown email; a mail only for the known one.
  HttpResponse known = anon.Post("/account/password/forgot", kForm, "email=elise%40account.test");
  HttpResponse unknown =
      anon.Post("/account/password/forgot", kForm, "email=nobody%40account.test");
  EXPECT_EQ(known.status, 303);
  EXPECT_EQ(unknown.status, known.status);
  EXPECT_EQ(unknown.Header("Location"), known.Header("Location"));
  EXPECT_EQ(unknown.body, known.body);
  EXPECT_EQ(known.Header("Location").value_or(""), "/account/login?notice=reset_sent");
  std::vector<std::string> mails = Fresh();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("To: elise@account.test"), std::string::npos);
  std::string token = MailedToken(mails[0], "/account/password/reset?token=");
  ASSERT_EQ(token.size(), 64u) << mails[0];

  // Opening the link (twice, as a mail scanner would) changes nothing.
  for (int i = 0; i < 2; ++i) {
    HttpResponse form = anon.Get("/account/password/reset?token=" + token);
    ASSERT_EQ(form.status, 200);
    EXPECT_NE(form.body.find("id=\"password-reset\""), std::string::npos);
  }
  EXPECT_EQ(client_->Get("/account").status, 200) << "the session still works";
  EXPECT_EQ(Login("/account", kClientEmail, kClientPassword), 303);
  // The admin area refuses a client's link.
  EXPECT_EQ(anon.Get("/admin/password/reset?token=" + token).status, 410);
  HttpResponse differ = anon.Post("/account/password/reset", kForm,
                                  "token=" + token + "&password=new-pass-456&password_confirm=x");
  EXPECT_EQ(differ.status, 422);
  HttpResponse done =
      anon.Post("/account/password/reset", kForm,
                "token=" + token + "&password=new-pass-456&password_confirm=new-pass-456");
  ASSERT_EQ(done.status, 303) << done.body.substr(0, 300);
  EXPECT_EQ(done.Header("Location").value_or(""), "/account/login?notice=password_reset");
  // Old sessions are gone, the old password too; single use.
  EXPECT_EQ(client_->Get("/account").status, 303);
  EXPECT_EQ(Login("/account", kClientEmail, kClientPassword), 401);
  EXPECT_EQ(Login("/account", kClientEmail, "new-pass-456"), 303);
  EXPECT_EQ(anon.Get("/account/password/reset?token=" + token).status, 410);
  EXPECT_EQ(anon.Post("/account/password/reset", kForm,
                      "token=" + token + "&password=third-pass-789&password_confirm=third-pass-789")
                .status,
            410);
  EXPECT_EQ(Login("/account", kClientEmail, "new-pass-456"), 303);
  // Recorded in the client's history.
  std::string csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  EXPECT_NE(
      admin->Get("/admin/clients/" + std::to_string(client_id_)).body.find("host.password_reset"),
      std::string::npos);
}

TEST_F(AccountE2e, AdminForgotPasswordIsRateLimited) {
  HttpClient anon(host_->port(), HttpClient::Options{true, 60});
  EXPECT_NE(anon.Get("/admin/login").body.find("href=\"/admin/password/forgot\""),
            std::string::npos);
  ASSERT_EQ(anon.Post("/admin/password/forgot", kForm, "email=boss%40account.test").status, 303);
  std::vector<std::string> mails = Fresh();
  ASSERT_EQ(mails.size(), 1u);
  std::string token = MailedToken(mails[0], "/admin/password/reset?token=");
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(anon.Get("/account/password/reset?token=" + token).status, 410);
  ASSERT_EQ(anon.Post("/admin/password/reset", kForm,
                      "token=" + token + "&password=admin-new-42&password_confirm=admin-new-42")
                .status,
            303);
  EXPECT_EQ(Login("/admin", kAdminEmail, "admin-new-42"), 303);
  // Five requests per email and address, known or not; then 429, and no more mail.
  for (const char* email : {"boss%40account.test", "ghost%40account.test"}) {
    int refused = 0;
    for (int i = 0; i < 6; ++i) {
      int status = anon.Post("/admin/password/forgot", kForm, std::string("email=") + email).status;
      if (status == 429) ++refused;
    }
    EXPECT_GE(refused, 1) << email;
  }
  // The first request above and four of these six sent a mail; the refused ones none.
  EXPECT_EQ(Fresh().size(), 4u);
}

TEST_F(AccountE2e, ClientChangesOwnPasswordAndEmail) {
  HttpResponse page = client_->Get("/account/security");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("id=\"change-password\""), std::string::npos);
  std::string csrf = CsrfFrom(page.body);
  HttpResponse wrong = client_->Post(
      "/account/security/password", kForm,
      "_csrf=" + csrf +
          "&current_password=nope-nope&password=new-pass-456&password_confirm=new-pass-456");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(Login("/account", kClientEmail, kClientPassword), 303);

  // The email first (the session ends with the password change).
  HttpResponse asked = client_->Post(
      "/account/security/email", kForm,
      "_csrf=" + csrf + "&current_password=" + kClientPassword + "&email=elise.new%40account.test");
  ASSERT_EQ(asked.status, 303) << asked.body.substr(0, 300);
  std::vector<std::string> mails = Fresh();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_NE(mails[0].find("To: elise.new@account.test"), std::string::npos);
  std::string token = MailedToken(mails[0], "/account/email/confirm?token=");
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(ClientEmail(), kClientEmail) << "not before the link is used";
  HttpClient anon(host_->port(), HttpClient::Options{true, 60});
  ASSERT_EQ(anon.Get("/account/email/confirm?token=" + token).status, 200);
  EXPECT_EQ(ClientEmail(), kClientEmail) << "a GET changes nothing";
  HttpResponse confirmed = anon.Post("/account/email/confirm", kForm, "token=" + token);
  ASSERT_EQ(confirmed.status, 303);
  EXPECT_EQ(ClientEmail(), "elise.new@account.test");
  EXPECT_EQ(anon.Post("/account/email/confirm", kForm, "token=" + token).status, 410);

  HttpResponse changed = client_->Post("/account/security/password", kForm,
                                       "_csrf=" + csrf + "&current_password=" + kClientPassword +
                                           "&password=new-pass-456&password_confirm=new-pass-456");
  ASSERT_EQ(changed.status, 303) << changed.body.substr(0, 300);
  EXPECT_EQ(changed.Header("Location").value_or(""), "/account/login?notice=password_changed");
  EXPECT_EQ(client_->Get("/account").status, 303);
  EXPECT_EQ(Login("/account", "elise.new@account.test", kClientPassword), 401);
  EXPECT_EQ(Login("/account", "elise.new@account.test", "new-pass-456"), 303);
  std::string admin_csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &admin_csrf);
  std::string profile = admin->Get("/admin/clients/" + std::to_string(client_id_)).body;
  EXPECT_NE(profile.find("host.password_changed"), std::string::npos);
  EXPECT_NE(profile.find("host.email_changed"), std::string::npos);
}

TEST_F(AccountE2e, AnImpersonatedSessionCannotChangePasswordOrEmail) {
  std::string csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  ASSERT_EQ(admin
                ->Post("/admin/clients/" + std::to_string(client_id_) + "/impersonate", kForm,
                       "_csrf=" + csrf)
                .status,
            303);
  HttpResponse page = admin->Get("/account/security");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("id=\"change-password\""), std::string::npos);
  std::string client_csrf = CsrfFrom(page.body);
  ASSERT_EQ(client_csrf.size(), 64u);
  EXPECT_EQ(admin
                ->Post("/account/security/password", kForm,
                       "_csrf=" + client_csrf + "&current_password=" + kClientPassword +
                           "&password=taken-over-1&password_confirm=taken-over-1")
                .status,
            403);
  EXPECT_EQ(admin
                ->Post("/account/security/email", kForm,
                       "_csrf=" + client_csrf + "&current_password=" + kClientPassword +
                           "&email=evil%40account.test")
                .status,
            403);
  EXPECT_TRUE(Fresh().empty());
  EXPECT_EQ(ClientEmail(), kClientEmail);
  EXPECT_EQ(Login("/account", kClientEmail, kClientPassword), 303);
}

TEST_F(AccountE2e, AdminChangesOwnPassword) {
  std::string csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  ASSERT_EQ(admin->Get("/admin/security").status, 200);
  EXPECT_NE(client_->Get("/admin/security").status, 200) << "not for clients";
  HttpResponse r = admin->Post("/admin/security/password", kForm,
                               "_csrf=" + csrf + "&current_password=" + kAdminPassword +
                                   "&password=admin-new-42&password_confirm=admin-new-42");
  ASSERT_EQ(r.status, 303) << r.body.substr(0, 300);
  EXPECT_EQ(admin->Get("/admin/clients").status, 303);
  EXPECT_EQ(Login("/admin", kAdminEmail, kAdminPassword), 401);
  EXPECT_EQ(Login("/admin", kAdminEmail, "admin-new-42"), 303);
}

// A 400×300 JPEG with EXIF (camera, GPS) and a comment, as a phone leaves it.
std::string PhoneJpeg() {
  vips::VImage xy = vips::VImage::xyz(400, 300);
  vips::VImage band = ((xy[0] + xy[1]) % 256).cast(VIPS_FORMAT_UCHAR);
  vips::VImage image = band.bandjoin({band, band}).copy();
  image.set("exif-ifd0-Make", "SecretCam");
  image.set("exif-ifd3-GPSLatitudeRef", "N");
  image.set("exif-ifd3-GPSLatitude", "50/1 51/1 0/1");
  void* buf = nullptr;
  size_t size = 0;
  image.write_to_buffer(".jpg", &buf, &size);
  std::string jpeg(static_cast<const char*>(buf), size);
  g_free(buf);
  return jpeg;
}

// The profile page's avatar form: its CSRF token first (issue 15.14), then the picture.
std::string Multipart(const std::string& boundary, const std::string& bytes,
                      const std::string& csrf) {
  return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf +
         "\r\n--" + boundary +
         "\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"../../evil.jpg\"\r\n"
         "Content-Type: image/jpeg\r\n\r\n" +
         bytes + "\r\n--" + boundary + "--\r\n";
}

int AvatarFiles(const std::filesystem::path& data) {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(data / "host" / "avatars", ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".jpg") ++n;
  }
  return n;
}

TEST_F(AccountE2e, AvatarThroughTheApiAndThePages) {
  ASSERT_EQ(VIPS_INIT("account-e2e"), 0);
  std::string path = "/api/v1/clients/" + std::to_string(client_id_);
  std::string csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  // No photo: the initials, accents kept.
  std::string profile = admin->Get("/admin/clients/" + std::to_string(client_id_)).body;
  EXPECT_NE(profile.find(">ÉR</div>"), std::string::npos);

  std::string phone = PhoneJpeg();
  ASSERT_NE(phone.find("SecretCam"), std::string::npos);
  // The Content-Type the caller claims is ignored: the bytes are sniffed.
  HttpResponse put =
      api_->Put(path + "/avatar", Bearer(token_, {{"Content-Type", "text/plain"}}), phone);
  ASSERT_EQ(put.status, 200) << put.body;
  std::string url(Json(put).at("avatar_url").as_string());
  EXPECT_EQ(url.rfind("/admin/clients/" + std::to_string(client_id_) + "/avatar/", 0), 0u);
  EXPECT_EQ(Json(api_->Get(path, Bearer(token_))).at("avatar_url"), json::value(url));
  HttpResponse image = admin->Get(url);
  ASSERT_EQ(image.status, 200);
  EXPECT_EQ(image.Header("Content-Type").value_or(""), "image/jpeg");
  EXPECT_EQ(image.body.substr(0, 3), std::string("\xFF\xD8\xFF"));
  EXPECT_EQ(image.body.find("SecretCam"), std::string::npos) << "metadata stripped";
  EXPECT_EQ(image.body.find("Exif"), std::string::npos);
  vips::VImage square = vips::VImage::new_from_buffer(image.body.data(), image.body.size(), "");
  EXPECT_EQ(square.width(), 256);
  EXPECT_EQ(square.height(), 256);
  EXPECT_NE(
      admin->Get("/admin/clients/" + std::to_string(client_id_)).body.find("src=\"" + url + "\""),
      std::string::npos);
  EXPECT_EQ(AvatarFiles(site_.data()), 1);
  EXPECT_NE(api_->Get(url).status, 200) << "not without an admin session";

  // Refusals store nothing and keep the photo.
  std::string elf(
      "\x7f"
      "ELF\x02\x01\x01\x00",
      8);
  elf += std::string(300, '\0');
  EXPECT_EQ(
      api_->Put(path + "/avatar", Bearer(token_, {{"Content-Type", "image/jpeg"}}), elf).status,
      415);
  EXPECT_EQ(api_->Put(path + "/avatar", Bearer(token_), phone.substr(0, 300)).status, 422);
  std::string big = phone;
  big.resize(5 * 1024 * 1024 + 1, '\0');
  EXPECT_EQ(api_->Put(path + "/avatar", Bearer(token_), big).status, 413);
  EXPECT_EQ(Json(api_->Get(path, Bearer(token_))).at("avatar_url"), json::value(url));
  EXPECT_EQ(AvatarFiles(site_.data()), 1);

  // The profile page's form (multipart; the part's name and type are ignored).
  const std::string boundary = "----e2eBoundary7MA4YWxk";
  const std::string avatar = "/admin/clients/" + std::to_string(client_id_) + "/avatar";
  const crm_test::Headers multipart{{"Content-Type", "multipart/form-data; boundary=" + boundary}};
  EXPECT_EQ(admin->Get("/admin/clients/" + std::to_string(client_id_)).body.find("_csrf="),
            std::string::npos)
      << "a token in a URL (issue 15.14)";
  EXPECT_EQ(admin->Post(avatar, multipart, Multipart(boundary, phone, "wrong")).status, 403);
  EXPECT_EQ(
      admin->Post(avatar + "?_csrf=" + csrf, multipart, Multipart(boundary, phone, "")).status,
      403);
  EXPECT_EQ(Json(api_->Get(path, Bearer(token_))).at("avatar_url"), json::value(url));
  HttpResponse refused = admin->Post(avatar, multipart, Multipart(boundary, elf, csrf));
  EXPECT_EQ(refused.status, 415);
  HttpResponse sent = admin->Post(avatar, multipart, Multipart(boundary, phone, csrf));
  ASSERT_EQ(sent.status, 303) << sent.body.substr(0, 300);
  std::string second(Json(api_->Get(path, Bearer(token_))).at("avatar_url").as_string());
  EXPECT_NE(second, url);
  EXPECT_EQ(admin->Get(url).status, 404) << "the old name is gone";
  EXPECT_EQ(admin->Get(second).status, 200);
  EXPECT_EQ(AvatarFiles(site_.data()), 1);

  // Deleting the client deletes the photo.
  ASSERT_EQ(api_->Delete(path, Bearer(token_)).status, 204);
  EXPECT_EQ(AvatarFiles(site_.data()), 0);
}

// The client list shows each client's thumbnail (lazy-loaded, with its size) or the initials.
TEST_F(AccountE2e, ClientListShowsTheAvatarOrTheInitials) {
  ASSERT_EQ(VIPS_INIT("account-e2e"), 0);
  HttpResponse other =
      api_->Post("/api/v1/clients", Bearer(token_, {{"Content-Type", "application/json"}}),
                 R"({"first_name":"Ödön","last_name":"Ünal","email":"odon@account.test"})");
  ASSERT_EQ(other.status, 201) << other.body;
  HttpResponse put = api_->Put("/api/v1/clients/" + std::to_string(client_id_) + "/avatar",
                               Bearer(token_), PhoneJpeg());
  ASSERT_EQ(put.status, 200) << put.body;
  std::string url(Json(put).at("avatar_url").as_string());
  std::string csrf;
  auto admin = crm_test::AdminSession(host_->port(), kAdminEmail, kAdminPassword, &csrf);
  std::string list = admin->Get("/admin/clients").body;
  EXPECT_NE(list.find("<img class=\"avatar avatar-small\" src=\"" + url +
                      "\" alt=\"\" width=\"32\" height=\"32\" loading=\"lazy\""),
            std::string::npos)
      << list;
  EXPECT_NE(list.find("aria-hidden=\"true\">ÖÜ</span>"), std::string::npos) << "initials";
  EXPECT_EQ(list.find(">ÉR</span>"), std::string::npos) << "a photo, not initials";
  EXPECT_EQ(admin->Get(url).status, 200);
}

}  // namespace
