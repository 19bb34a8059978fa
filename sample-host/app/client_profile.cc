// sample-host/app/client_profile.cc — the client_profiles row (addresses, origin, avatar,
// newsletter status) and the newsletter subscriptions of a client: validation, upsert
// (portable ON CONFLICT) and batched loading for pages of the list.
#include "sample-host/app/client_profile.h"

#include <algorithm>
#include <map>
#include <set>

#include "text/text.h"

namespace host {
namespace {

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return u < 0x20 || u == 0x7f;
  });
}

crm::Status CheckLine(std::string& value, std::string_view name, size_t max) {
  value = std::string(crm::text::TrimAll(value));
  if (value.size() > max) {
    return crm::InvalidArgument(std::string(name) + ": longer than " + std::to_string(max) +
                                " characters");
  }
  if (HasControl(value)) {
    return crm::InvalidArgument(std::string(name) + ": contains control characters");
  }
  return crm::Status::Ok();
}

crm::Status CheckAddress(ClientAddress& a, std::string_view prefix) {
  std::pair<std::string*, std::string_view> fields[] = {{&a.street, "street"},
                                                        {&a.postal_code, "postal_code"},
                                                        {&a.city, "city"},
                                                        {&a.region, "region"},
                                                        {&a.country, "country"}};
  for (auto& [field, name] : fields) {
    CRM_RETURN_IF_ERROR(CheckLine(*field, std::string(prefix) + "." + std::string(name), 200));
  }
  return crm::Status::Ok();
}

bool OneOf(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

crm::Status NormalizeNewsletter(ClientNewsletter& n) {
  n.status = crm::text::ToLowerAscii(crm::text::Trim(n.status));
  if (n.status.empty()) n.status = "unknown";
  if (!OneOf(NewsletterStatuses(), n.status)) {
    return crm::InvalidArgument("newsletter.status: must be subscribed, unsubscribed or unknown");
  }
  std::map<std::string, std::string> unique;  // folded name -> name
  for (std::string& list : n.lists) {
    CRM_RETURN_IF_ERROR(CheckLine(list, "newsletter.lists", 100));
    if (!list.empty()) unique.emplace(crm::text::ToLowerAscii(list), list);
  }
  n.lists.clear();
  for (auto& [folded, name] : unique) n.lists.push_back(name);
  if (n.status == "unsubscribed") n.lists.clear();
  if (n.status == "unknown" && !n.lists.empty()) n.status = "subscribed";
  return crm::Status::Ok();
}

// The columns of client_profiles as ClientProfileColumns joins them.
constexpr std::string_view kProfileFields[] = {
    "billing_street",   "billing_postal_code", "billing_city",         "billing_region",
    "billing_country",  "delivery_street",     "delivery_postal_code", "delivery_city",
    "delivery_region",  "delivery_country",    "origin_source",        "origin_medium",
    "origin_campaign",  "origin_referrer",     "origin_device",        "avatar",
    "newsletter_status"};

// "a\x1fb" -> {"a", "b"}; "" -> {""}.
std::vector<std::string> SplitUnit(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t end = text.find('\x1f', start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

}  // namespace

const std::vector<std::string>& ClientGenders() {
  static const std::vector<std::string> genders = {"", "female", "male", "other"};
  return genders;
}

const std::vector<std::string>& NewsletterStatuses() {
  static const std::vector<std::string> statuses = {"subscribed", "unsubscribed", "unknown"};
  return statuses;
}

crm::Status NormalizeClientProfile(Client& c) {
  c.gender = crm::text::ToLowerAscii(crm::text::Trim(c.gender));
  if (!OneOf(ClientGenders(), c.gender)) {
    return crm::InvalidArgument("gender: must be female, male, other or empty");
  }
  CRM_RETURN_IF_ERROR(CheckAddress(c.billing_address, "billing_address"));
  CRM_RETURN_IF_ERROR(CheckAddress(c.delivery_address, "delivery_address"));
  std::pair<std::string*, std::string_view> origin[] = {{&c.origin.source, "origin.source"},
                                                        {&c.origin.medium, "origin.medium"},
                                                        {&c.origin.campaign, "origin.campaign"},
                                                        {&c.origin.referrer, "origin.referrer"},
                                                        {&c.origin.device, "origin.device"}};
  for (auto& [field, name] : origin) {
    CRM_RETURN_IF_ERROR(CheckLine(*field, name, name == "origin.referrer" ? 500 : 200));
  }
  return NormalizeNewsletter(c.newsletter);
}

namespace {

crm::Status WriteSubscriptions(crm::SqlExecutor& tx, const Client& c) {
  std::vector<int64_t> ids;
  for (const std::string& name : c.newsletter.lists) {
    auto row = tx.QueryOne("SELECT id FROM newsletter_lists WHERE lower(name) = lower(?)", {name});
    if (!row.ok()) return row.status();
    if (!row->has_value()) {
      return crm::InvalidArgument("newsletter.lists: no list named \"" + name + "\"");
    }
    ids.push_back((*row)->Int(0));
  }
  crm::SqlParams keep{c.id};
  std::string sql = "DELETE FROM newsletter_subscriptions WHERE client_id = ?";
  if (!ids.empty()) {
    sql += " AND list_id NOT IN (" + Placeholders(ids.size()) + ")";
    for (int64_t id : ids) keep.push_back(id);
  }
  CRM_RETURN_IF_ERROR(tx.Exec(sql, keep).status());
  for (int64_t id : ids) {
    CRM_RETURN_IF_ERROR(tx.Exec("INSERT INTO newsletter_subscriptions (list_id, client_id, "
                                "created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                {id, c.id, c.updated_at})
                            .status());
  }
  return crm::Status::Ok();
}

}  // namespace

crm::Status WriteClientProfile(crm::SqlExecutor& tx, const Client& c, bool with_origin) {
  const ClientAddress& b = c.billing_address;
  const ClientAddress& d = c.delivery_address;
  const ClientOrigin& o = c.origin;
  std::string sql =
      "INSERT INTO client_profiles (client_id, billing_street, billing_postal_code, "
      "billing_city, billing_region, billing_country, delivery_street, delivery_postal_code, "
      "delivery_city, delivery_region, delivery_country, origin_source, origin_medium, "
      "origin_campaign, origin_referrer, origin_device, newsletter_status) VALUES (?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO UPDATE SET "
      "billing_street = excluded.billing_street, billing_postal_code = "
      "excluded.billing_postal_code, billing_city = excluded.billing_city, billing_region = "
      "excluded.billing_region, billing_country = excluded.billing_country, delivery_street = "
      "excluded.delivery_street, delivery_postal_code = excluded.delivery_postal_code, "
      "delivery_city = excluded.delivery_city, delivery_region = excluded.delivery_region, "
      "delivery_country = excluded.delivery_country, newsletter_status = "
      "excluded.newsletter_status";
  if (with_origin) {
    sql +=
        ", origin_source = excluded.origin_source, origin_medium = excluded.origin_medium, "
        "origin_campaign = excluded.origin_campaign, origin_referrer = excluded.origin_referrer, "
        "origin_device = excluded.origin_device";
  }
  CRM_RETURN_IF_ERROR(
      tx.Exec(sql, {c.id, b.street, b.postal_code, b.city, b.region, b.country, d.street,
                    d.postal_code, d.city, d.region, d.country, o.source, o.medium, o.campaign,
                    o.referrer, o.device, c.newsletter.status})
          .status());
  return WriteSubscriptions(tx, c);
}

std::string ClientProfileColumns(crm::SqlDialect dialect) {
  std::string fields;
  for (std::string_view f : kProfileFields) {
    fields += std::string(fields.empty() ? "" : " || '\x1f' || ") + "p." + std::string(f);
  }
  std::string lists =
      dialect == crm::SqlDialect::kPostgresql
          ? "(SELECT string_agg(l.name, '\x1f') FROM newsletter_subscriptions s "
            "JOIN newsletter_lists l ON l.id = s.list_id WHERE s.client_id = c.id)"
          : "(SELECT group_concat(l.name, '\x1f') FROM newsletter_subscriptions s JOIN "
            "newsletter_lists l ON l.id = s.list_id WHERE s.client_id = c.id)";
  return "(SELECT " + fields + " FROM client_profiles p WHERE p.client_id = c.id) AS profile, " +
         lists + " AS newsletter_lists";
}

void ReadClientProfile(const crm::SqlRow& row, size_t first, Client& c) {
  std::vector<std::string> v = SplitUnit(row.Text(first));
  v.resize(std::size(kProfileFields));
  c.billing_address = {v[0], v[1], v[2], v[3], v[4]};
  c.delivery_address = {v[5], v[6], v[7], v[8], v[9]};
  c.origin = {v[10], v[11], v[12], v[13], v[14]};
  c.avatar = v[15];
  c.newsletter.status = v[16].empty() ? "unknown" : v[16];
  std::string lists = row.Text(first + 1);
  c.newsletter.lists = lists.empty() ? std::vector<std::string>() : SplitUnit(lists);
  // Sorted here: an ORDER BY in the subquery would sort once per row of the page.
  std::sort(c.newsletter.lists.begin(), c.newsletter.lists.end());
}

namespace {

// The calling code of a country given by name (en, fr, nl) or ISO code; "" when unknown.
std::string CallingCode(std::string_view country) {
  std::string c = crm::text::ToLowerAscii(crm::text::Trim(country));
  static const std::pair<std::string_view, std::string_view> kCodes[] = {
      {"be", "32"},          {"belgium", "32"},       {"belgique", "32"},
      {"belgie", "32"},      {"belgi\xc3\xab", "32"}, {"fr", "33"},
      {"france", "33"},      {"frankrijk", "33"},     {"nl", "31"},
      {"netherlands", "31"}, {"pays-bas", "31"},      {"nederland", "31"},
      {"lu", "352"},         {"luxembourg", "352"},   {"luxemburg", "352"}};
  for (const auto& [name, code] : kCodes) {
    if (c == name) return std::string(code);
  }
  return "";
}

}  // namespace

std::vector<crm::ListColumn> ContactListColumns(
    std::function<std::string(std::string_view, std::string_view)> translate) {
  crm::ListColumn phone;
  phone.id = "phone";
  phone.label_key = "web.list.column_phone";
  phone.sql = "CASE WHEN c.mobile <> '' THEN c.mobile ELSE c.phone END";
  phone.render_html = [](const crm::SqlValue& v, std::string_view) -> std::string {
    const std::string* s = std::get_if<std::string>(&v);
    if (s == nullptr || s->empty()) return "";
    std::string dial;
    for (char ch : *s) {
      if ((ch >= '0' && ch <= '9') || (ch == '+' && dial.empty())) dial += ch;
    }
    return "<a href=\"tel:" + crm::text::EscapeHtml(dial) + "\">" + crm::text::EscapeHtml(*s) +
           "</a>";
  };
  crm::ListColumn login;
  login.id = "login";
  login.label_key = "web.list.column_login";
  login.sql =
      "CASE WHEN c.login_enabled = 0 THEN 'off' WHEN c.email_confirmed = 0 THEN 'unconfirmed' "
      "ELSE 'on' END";
  login.render_html = [translate](const crm::SqlValue& v, std::string_view language) {
    const std::string* s = std::get_if<std::string>(&v);
    std::string state = s != nullptr ? *s : "off";
    std::string badge = state == "on"            ? "badge badge-ok"
                        : state == "unconfirmed" ? "badge badge-warn"
                                                 : "badge";
    return "<span class=\"" + badge + "\">" +
           crm::text::EscapeHtml(translate(language, "web.list.login_" + state)) + "</span>";
  };
  return {phone, login};
}

std::string DeviceFromUserAgent(std::string_view ua) {
  if (ua.empty()) return "";
  auto has = [&](std::string_view s) { return ua.find(s) != std::string_view::npos; };
  bool tablet = has("iPad") || (has("Android") && !has("Mobile"));
  std::string kind = tablet ? "tablet" : (has("Mobile") || has("iPhone")) ? "mobile" : "desktop";
  std::string os = has("Android")                 ? "Android"
                   : has("iPhone") || has("iPad") ? "iOS"
                   : has("Windows")               ? "Windows"
                   : has("Mac OS X")              ? "macOS"
                   : has("CrOS")                  ? "ChromeOS"
                   : has("Linux")                 ? "Linux"
                                                  : "";
  std::string browser = has("Edg/")                       ? "Edge"
                        : has("Firefox/") || has("FxiOS") ? "Firefox"
                        : has("Chrome/") || has("CriOS")  ? "Chrome"
                        : has("Safari/")                  ? "Safari"
                                                          : "";
  std::string out = kind;
  for (const std::string* part : {&os, &browser}) {
    if (!part->empty()) out += " \xC2\xB7 " + *part;
  }
  return out;
}

std::string InternationalPhone(std::string_view number, std::string_view country) {
  std::string text(crm::text::Trim(number));
  // "+32 (0)475...": the trunk 0 after the country code is not dialled.
  if (size_t p = text.find("(0)"); p != std::string::npos) text.erase(p, 3);
  std::string digits;
  bool plus = false;
  for (char ch : text) {
    if (ch == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (ch >= '0' && ch <= '9') {
      digits += ch;
    } else if (ch != ' ' && ch != '.' && ch != '-' && ch != '/' && ch != '(' && ch != ')') {
      return "";  // letters, extensions: not a number we can dial
    }
  }
  if (!plus && digits.rfind("00", 0) == 0) {
    plus = true;
    digits.erase(0, 2);
  }
  if (!plus) {
    if (digits.empty() || digits[0] != '0') return "";
    std::string code = CallingCode(country);
    if (code.empty()) return "";
    digits = code + digits.substr(1);
  }
  if (digits.size() < 8 || digits.size() > 15) return "";
  return "+" + digits;
}

}  // namespace host
