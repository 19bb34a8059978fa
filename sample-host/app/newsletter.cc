// sample-host/app/newsletter.cc — newsletter lists (portable SQL: RETURNING, lower() for the
// case-insensitive name), the host's newsletter filters and column, and unsubscribe tokens
// (random, stored as SHA-256).
#include "sample-host/app/newsletter.h"

#include <algorithm>

#include "sample-host/core/random.h"
#include "sample-host/core/sha256.h"
#include "text/text.h"

namespace host {
namespace {

// The status of client row `c`, never NULL (no profile row yet: never asked).
constexpr std::string_view kStatusSql =
    "COALESCE((SELECT p.newsletter_status FROM client_profiles p WHERE p.client_id = c.id), "
    "'unknown')";

crm::Result<std::string> ListName(std::string_view raw) {
  std::string name(crm::text::TrimAll(raw));
  if (name.empty() || name.size() > 100) {
    return crm::InvalidArgument("name: required, at most 100 characters");
  }
  bool bad = std::any_of(name.begin(), name.end(), [](char ch) {
    auto u = static_cast<unsigned char>(ch);
    return u < 0x20 || u == 0x7f || ch == ',';
  });
  if (bad) return crm::InvalidArgument("name: one line, without commas");
  return name;
}

crm::Status NameConflict(const crm::Status& s, const std::string& name) {
  if (s.code() == crm::StatusCode::kConflict) {
    return crm::Conflict("name: a list named \"" + name + "\" already exists");
  }
  return s;
}

}  // namespace

NewsletterStore::NewsletterStore(crm::Database& db, std::function<int64_t()> now)
    : db_(db), now_(std::move(now)) {}

crm::Result<std::vector<NewsletterList>> NewsletterStore::List() {
  std::vector<NewsletterList> out;
  CRM_RETURN_IF_ERROR(db_.Query(
      "SELECT l.id, l.name, l.created_at, (SELECT count(*) FROM newsletter_subscriptions s "
      "WHERE s.list_id = l.id) FROM newsletter_lists l ORDER BY lower(l.name), l.id",
      {}, [&](const crm::SqlRow& r) {
        out.push_back({r.Int(0), r.Text(1), r.Int(3), r.Int(2)});
        return true;
      }));
  return out;
}

crm::Result<NewsletterList> NewsletterStore::Create(std::string_view raw) {
  CRM_ASSIGN_OR_RETURN(std::string name, ListName(raw));
  NewsletterList list{0, name, 0, now_()};
  auto row = db_.QueryOne(
      "INSERT INTO newsletter_lists (name, created_at) VALUES (?, ?) "
      "RETURNING id",
      {name, list.created_at});
  if (!row.ok()) return NameConflict(row.status(), name);
  if (!row->has_value()) return crm::Internal("the new list has no id");
  list.id = (*row)->Int(0);
  return list;
}

crm::Status NewsletterStore::Rename(int64_t id, std::string_view raw) {
  CRM_ASSIGN_OR_RETURN(std::string name, ListName(raw));
  auto r = db_.Exec("UPDATE newsletter_lists SET name = ? WHERE id = ?", {name, id});
  if (!r.ok()) return NameConflict(r.status(), name);
  if (*r == 0) return crm::NotFound("no such list");
  return crm::Status::Ok();
}

crm::Status NewsletterStore::Delete(int64_t id) {
  return db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM newsletter_subscriptions WHERE list_id = ?", {id}).status());
    CRM_ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM newsletter_lists WHERE id = ?", {id}));
    return n == 0 ? crm::NotFound("no such list") : crm::Status::Ok();
  });
}

crm::Result<std::string> NewsletterStore::NewUnsubscribeToken(int64_t client_id) {
  std::string token = RandomToken(32);
  CRM_RETURN_IF_ERROR(db_.Exec("INSERT INTO newsletter_unsubscribe_tokens (token_hash, "
                               "client_id, created_at) VALUES (?, ?, ?)",
                               {Sha256Hex(token), client_id, now_()})
                          .status());
  return token;
}

crm::Result<int64_t> NewsletterStore::ClientOfToken(std::string_view token) {
  if (token.empty() || token.size() > 100) return crm::NotFound("unknown link");
  auto row =
      db_.QueryOne("SELECT client_id FROM newsletter_unsubscribe_tokens WHERE token_hash = ?",
                   {Sha256Hex(token)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return crm::NotFound("unknown link");
  return (*row)->Int(0);
}

crm::Result<int64_t> NewsletterStore::UnsubscribeWithToken(std::string_view token) {
  CRM_ASSIGN_OR_RETURN(int64_t client_id, ClientOfToken(token));
  CRM_RETURN_IF_ERROR(db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO client_profiles (client_id, newsletter_status) VALUES (?, "
                "'unsubscribed') ON CONFLICT (client_id) DO UPDATE SET newsletter_status = "
                "'unsubscribed'",
                {client_id})
            .status());
    return tx.Exec("DELETE FROM newsletter_subscriptions WHERE client_id = ?", {client_id})
        .status();
  }));
  return client_id;
}

crm::MailMessage NewsletterStore::WithUnsubscribeLink(
    crm::MailMessage message, std::string_view base_url,
    const std::function<std::string(std::string_view, std::string_view)>& footer) {
  if (message.to.empty()) return message;
  auto row =
      db_.QueryOne("SELECT id, language FROM clients WHERE email <> '' AND lower(email) = lower(?)",
                   {message.to});
  if (!row.ok() || !row->has_value()) return message;
  auto token = NewUnsubscribeToken((*row)->Int(0));
  if (!token.ok()) return message;
  std::string url = std::string(base_url) + "/newsletter/unsubscribe?token=" + *token;
  message.text_body += "\n\n-- \n" + footer((*row)->Text(1), url) + "\n";
  return message;
}

crm::ListFilterSource NewsletterStore::FilterSource(crm::Database& db, TranslateFn translate) {
  crm::ListFilterSource src;
  src.id = "newsletter";
  src.list = [&db, translate](std::string_view language) {
    crm::FilterDef lists{"newsletter_list", translate(language, "web.newsletter.filter_list"), {}};
    if (auto rows = db.QueryAll("SELECT name FROM newsletter_lists ORDER BY lower(name)");
        rows.ok()) {
      for (const auto& r : *rows) lists.choices.push_back({r.Text(0), r.Text(0)});
    }
    crm::FilterDef status{
        "newsletter_status", translate(language, "web.newsletter.filter_status"), {}};
    for (std::string_view s : {"subscribed", "unsubscribed", "unknown"}) {
      status.choices.push_back(
          {std::string(s), translate(language, "web.newsletter.state_" + std::string(s))});
    }
    return std::vector<crm::FilterDef>{std::move(lists), std::move(status)};
  };
  src.predicate = [](std::string_view id,
                     std::string_view value) -> crm::Result<crm::SqlPredicate> {
    std::string v(value);
    if (v.size() > 200) return crm::InvalidArgument("value too long");
    if (id == "newsletter_list") {
      return crm::SqlPredicate{
          "c.id IN (SELECT s.client_id FROM newsletter_subscriptions s JOIN newsletter_lists l "
          "ON l.id = s.list_id WHERE lower(l.name) = lower(?))",
          {v}};
    }
    if (id == "newsletter_status") {
      if (v != "subscribed" && v != "unsubscribed" && v != "unknown") {
        return crm::InvalidArgument("must be subscribed, unsubscribed or unknown");
      }
      return crm::SqlPredicate{std::string(kStatusSql) + " = ?", {v}};
    }
    return crm::NotFound("not a newsletter filter");
  };
  return src;
}

crm::ListColumn NewsletterStore::StatusColumn(TranslateFn translate) {
  crm::ListColumn col;
  col.id = "newsletter";
  col.label_key = "web.newsletter.column";
  col.sql = std::string(kStatusSql);
  col.render_html = [translate](const crm::SqlValue& v, std::string_view language) {
    const std::string* s = std::get_if<std::string>(&v);
    std::string status = s != nullptr ? *s : "unknown";
    std::string badge = status == "subscribed"     ? "badge badge-ok"
                        : status == "unsubscribed" ? "badge badge-warn"
                                                   : "badge";
    return "<span class=\"" + badge + "\">" +
           crm::text::EscapeHtml(translate(language, "web.newsletter.state_" + status)) + "</span>";
  };
  return col;
}

}  // namespace host
