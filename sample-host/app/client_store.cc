// sample-host/app/client_store.cc — clients: validation, CRUD with deletion hooks, and the list
// query that ANDs host and plugin filters and selects plugin columns in one statement per page.
#include "sample-host/app/client_store.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <set>

#include "sample-host/app/account_tokens.h"
#include "sample-host/app/client_list_count.h"
#include "sample-host/app/client_list_cursor.h"
#include "sample-host/app/client_list_sql.h"
#include "sample-host/app/client_profile.h"
#include "sample-host/app/client_sets.h"
#include "sample-host/core/plugin_call.h"
#include "text/text.h"

namespace host {
namespace {

// The client columns every read selects, in the order RowToClient reads them. Tags come
// as one aggregate (unit separator) so a page needs no query per row: group_concat on SQLite
// (3.40 has no string_agg), string_agg on PostgreSQL.
std::string ClientColumns(crm::SqlDialect dialect) {
  constexpr std::string_view kColumns =
      "c.id, c.first_name, c.last_name, c.email, c.phone, c.mobile, c.website, c.birth_date, "
      "c.gender, c.language, c.street, c.postal_code, c.city, c.region, c.country, c.company, "
      "c.vat_number, c.tax_code, c.login_enabled, c.email_confirmed, c.created_at, c.updated_at, ";
  if (dialect == crm::SqlDialect::kPostgresql) {
    return std::string(kColumns) +
           "(SELECT string_agg(t.tag, chr(31) ORDER BY t.tag) FROM client_tags t "
           "WHERE t.client_id = c.id) AS tags";
  }
  return std::string(kColumns) +
         "(SELECT group_concat(tag, char(31)) FROM "
         "(SELECT t.tag FROM client_tags t WHERE t.client_id = c.id ORDER BY t.tag)) AS tags";
}
constexpr size_t kClientColumnCount = 23;
// Then issue 14's (client_profile.h), then the plugins' columns.
constexpr size_t kFirstPluginColumn = kClientColumnCount + kClientProfileColumnCount;

Client RowToClient(const crm::SqlRow& r) {
  Client c;
  c.id = r.Int(0);
  c.first_name = r.Text(1);
  c.last_name = r.Text(2);
  c.email = r.Text(3);
  c.phone = r.Text(4);
  c.mobile = r.Text(5);
  c.website = r.Text(6);
  c.birth_date = r.Text(7);
  c.gender = r.Text(8);
  c.language = r.Text(9);
  c.address.street = r.Text(10);
  c.address.postal_code = r.Text(11);
  c.address.city = r.Text(12);
  c.address.region = r.Text(13);
  c.address.country = r.Text(14);
  c.company = r.Text(15);
  c.vat_number = r.Text(16);
  c.tax_code = r.Text(17);
  c.login_enabled = r.Int(18) != 0;
  c.email_confirmed = r.Int(19) != 0;
  c.created_at = r.Int(20);
  c.updated_at = r.Int(21);
  std::string tags = r.Text(22);
  size_t start = 0;
  while (!tags.empty() && start <= tags.size()) {
    size_t end = tags.find('\x1f', start);
    if (end == std::string::npos) end = tags.size();
    c.tags.push_back(tags.substr(start, end - start));
    start = end + 1;
  }
  return c;
}

bool HasControl(std::string_view s) {
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f) return true;
  }
  return false;
}

bool ValidEmail(std::string_view e) {
  if (e.size() > 254) return false;
  size_t at = e.find('@');
  if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos)
    return false;
  std::string_view domain = e.substr(at + 1);
  if (domain.size() < 3 || domain.front() == '.' || domain.back() == '.' ||
      domain.find('.') == std::string_view::npos || domain.find("..") != std::string_view::npos)
    return false;
  for (unsigned char ch : e) {
    if (ch <= 0x20 || ch == 0x7f || ch == '<' || ch == '>' || ch == ',' || ch == ';' || ch == '"' ||
        ch == '(' || ch == ')' || ch == '[' || ch == ']' || ch == '\\')
      return false;
  }
  return true;
}

bool ValidDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  int y = std::stoi(std::string(d.substr(0, 4)));
  int m = std::stoi(std::string(d.substr(5, 2)));
  int day = std::stoi(std::string(d.substr(8, 2)));
  if (y < 1850 || y > 2200 || m < 1 || m > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int max_day = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  return day <= max_day;
}

crm::Status WriteTags(crm::SqlExecutor& tx, int64_t id, const std::vector<std::string>& tags) {
  CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM client_tags WHERE client_id = ?", {id}).status());
  for (const auto& tag : tags) {
    CRM_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO client_tags (client_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
                {id, tag})
            .status());
  }
  return crm::Status::Ok();
}

crm::Status ConflictMessage(const crm::Status& s) {
  if (s.code() == crm::StatusCode::kConflict) {
    return crm::Conflict("email: already used by another client");
  }
  return s;
}

}  // namespace

struct ClientStore::BuiltQuery {
  std::string sql;
  crm::SqlParams params;
  TotalPlan total;  // !total.known and !split: the page's last column is total.count
  // SQLite, a merged capped count: counted apart from the page, by blocks on two threads
  // (client_list_count.h), from these conditions.
  bool split = false;
  int64_t max_id = 0;
  ClientListConditions conditions;
  std::vector<ClientListColumn> columns;
  // The page asks one row more than per_page (is there a next, or with `before` a previous,
  // page?); `before` reads its rows backwards.
  bool before = false;
  bool cursor = false;
  int64_t page = 1;
  bool sorts_a_set = false;  // the page starts from a set of ids and sorts it (ClientListWhere)
};

namespace {
Logger& LoggerOrStderr(Logger* logger) {
  static Logger fallback;
  return logger != nullptr ? *logger : fallback;
}
}  // namespace

ClientStore::ClientStore(crm::Database& db, const HookRegistry& registry,
                         std::function<int64_t()> now, Logger* logger)
    : db_(db),
      registry_(registry),
      now_(std::move(now)),
      logger_(LoggerOrStderr(logger)),
      count_helper_(std::make_shared<CountHelper>()) {}

const std::vector<std::string>& ClientStore::SortKeys() { return ClientListSortKeys(); }

namespace {

// Trims every text field and checks its length and characters (a street may take two lines).
crm::Status NormalizeTextFields(Client& c) {
  std::string* text_fields[] = {&c.first_name,     &c.last_name,
                                &c.email,          &c.phone,
                                &c.mobile,         &c.website,
                                &c.birth_date,     &c.gender,
                                &c.language,       &c.company,
                                &c.vat_number,     &c.tax_code,
                                &c.address.street, &c.address.postal_code,
                                &c.address.city,   &c.address.region,
                                &c.address.country};
  static constexpr std::string_view kNames[] = {"first_name",     "last_name",
                                                "email",          "phone",
                                                "mobile",         "website",
                                                "birth_date",     "gender",
                                                "language",       "company",
                                                "vat_number",     "tax_code",
                                                "address.street", "address.postal_code",
                                                "address.city",   "address.region",
                                                "address.country"};
  for (size_t i = 0; i < std::size(text_fields); ++i) {
    *text_fields[i] = std::string(crm::text::TrimAll(*text_fields[i]));
    if (text_fields[i]->size() > 200) {
      return crm::InvalidArgument(std::string(kNames[i]) + ": longer than 200 characters");
    }
    if (text_fields[i] == &c.address.street) {
      // A street may take two lines (building, box); other fields are one line.
      std::string& street = c.address.street;
      for (size_t p = street.find("\r\n"); p != std::string::npos; p = street.find("\r\n", p)) {
        street.erase(p, 1);
      }
      std::string without_newlines = street;
      std::replace(without_newlines.begin(), without_newlines.end(), '\n', ' ');
      if (HasControl(without_newlines)) {
        return crm::InvalidArgument("address.street: contains control characters");
      }
      continue;
    }
    if (HasControl(*text_fields[i])) {
      return crm::InvalidArgument(std::string(kNames[i]) + ": contains control characters");
    }
  }
  return crm::Status::Ok();
}

// Only web links: a javascript: or data: URL would run in an admin's browser. A bare
// "example.com" becomes "https://example.com".
crm::Status NormalizeWebsite(std::string& website) {
  if (website.empty()) return crm::Status::Ok();
  std::string lower = crm::text::ToLowerAscii(website);
  if (lower.find("://") == std::string::npos && lower.find(':') == std::string::npos) {
    website = "https://" + website;
  } else if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
    return crm::InvalidArgument("website: must be an http or https address");
  }
  if (website.find(' ') != std::string::npos) {
    return crm::InvalidArgument("website: must not contain spaces");
  }
  return crm::Status::Ok();
}

// Trimmed, unique, sorted tags; empty ones dropped.
crm::Status NormalizeTags(std::vector<std::string>& tags) {
  std::set<std::string> unique;
  for (auto& t : tags) {
    std::string tag(crm::text::TrimAll(t));
    if (tag.empty()) continue;
    if (tag.size() > 50) return crm::InvalidArgument("tags: a tag is longer than 50 characters");
    if (HasControl(tag) || tag.find(',') != std::string::npos) {
      return crm::InvalidArgument("tags: a tag may not contain commas or control characters");
    }
    unique.insert(tag);
  }
  if (unique.size() > 50) return crm::InvalidArgument("tags: at most 50 tags");
  tags.assign(unique.begin(), unique.end());
  return crm::Status::Ok();
}

}  // namespace

crm::Status ClientStore::Validate(Client& c) {
  CRM_RETURN_IF_ERROR(NormalizeTextFields(c));
  if (c.first_name.empty() && c.last_name.empty() && c.company.empty()) {
    return crm::InvalidArgument("last_name: a client needs a name or a company");
  }
  if (!c.email.empty() && !ValidEmail(c.email)) {
    return crm::InvalidArgument("email: not a valid address");
  }
  if (c.language.empty()) c.language = "en";
  c.language = crm::text::ToLowerAscii(c.language);
  if (!crm::IsLanguage(c.language)) {
    return crm::InvalidArgument("language: must be en, fr or nl");
  }
  if (!c.birth_date.empty() && !ValidDate(c.birth_date)) {
    return crm::InvalidArgument("birth_date: must be a date YYYY-MM-DD");
  }
  CRM_RETURN_IF_ERROR(NormalizeWebsite(c.website));
  CRM_RETURN_IF_ERROR(NormalizeTags(c.tags));
  return NormalizeClientProfile(c);  // issue 14's fields
}

namespace {

// The client's editable columns, in the order Create and Update name them (first_name
// ... tax_code).
crm::SqlParams FieldParams(const Client& client) {
  return {client.first_name,
          client.last_name,
          client.birth_date.empty() ? crm::SqlValue{} : crm::SqlValue{client.birth_date},
          client.gender,
          client.email,
          client.phone,
          client.mobile,
          client.website,
          client.address.street,
          client.address.postal_code,
          client.address.city,
          client.address.region,
          client.address.country,
          client.language,
          client.company,
          client.vat_number,
          client.tax_code};
}

crm::SqlParams Params(crm::SqlParams first, const crm::SqlParams& then) {
  AppendSqlParams(first, then);
  return first;
}

}  // namespace

crm::Result<Client> ClientStore::Create(Client client) {
  CRM_RETURN_IF_ERROR(Validate(client));
  client.created_at = client.updated_at = now_();
  // A client's id is never given twice (schema 19): SQLite would give the newest client's id
  // again once that client is deleted, so there the id is taken above the deletions' floor;
  // PostgreSQL's identity never goes back.
  const bool sqlite = db_.Dialect() == crm::SqlDialect::kSqlite;
  const std::string id_column = sqlite ? "id, " : "";
  const std::string id_value =
      sqlite ? "(SELECT MAX(COALESCE((SELECT MAX(id) FROM clients), 0), COALESCE((SELECT last_id "
               "FROM host_id_floors WHERE name = 'clients'), 0)) + 1), "
             : "";
  crm::Status s = db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    auto r = tx.QueryOne(
        "INSERT INTO clients (" + id_column +
            "first_name, last_name, birth_date, gender, email, phone, mobile, website, street, "
            "postal_code, city, region, country, language, company, vat_number, tax_code, "
            "login_enabled, email_confirmed, created_at, updated_at) VALUES (" +
            id_value +
            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        Params(FieldParams(client), {int64_t{client.login_enabled}, int64_t{client.email_confirmed},
                                     client.created_at, client.updated_at}));
    if (!r.ok()) return ConflictMessage(r.status());
    client.id = (*r)->Int(0);
    CRM_RETURN_IF_ERROR(WriteTags(tx, client.id, client.tags));
    return WriteClientProfile(tx, client, /*with_origin=*/true);
  });
  if (!s.ok()) return s;
  return client;
}

crm::Result<Client> ClientStore::Get(int64_t id) {
  auto row =
      db_.QueryOne("SELECT " + ClientColumns(db_.Dialect()) + ", " +
                       ClientProfileColumns(db_.Dialect()) + " FROM clients c WHERE c.id = ?",
                   {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return crm::NotFound("client " + std::to_string(id) + " does not exist");
  Client client = RowToClient(**row);
  ReadClientProfile(**row, kClientColumnCount, client);
  return client;
}

crm::Result<Client> ClientStore::Update(Client client) {
  CRM_RETURN_IF_ERROR(Validate(client));
  client.updated_at = now_();
  crm::Status s = db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    auto r = tx.Exec(
        "UPDATE clients SET first_name = ?, last_name = ?, birth_date = ?, gender = ?, email = ?, "
        "phone = ?, mobile = ?, website = ?, street = ?, postal_code = ?, city = ?, region = ?, "
        "country = ?, language = ?, company = ?, vat_number = ?, tax_code = ?, updated_at = ? "
        "WHERE id = ?",
        Params(FieldParams(client), {client.updated_at, client.id}));
    if (!r.ok()) return ConflictMessage(r.status());
    if (*r == 0) return crm::NotFound("client " + std::to_string(client.id) + " does not exist");
    CRM_RETURN_IF_ERROR(WriteTags(tx, client.id, client.tags));
    return WriteClientProfile(tx, client, /*with_origin=*/false);
  });
  if (!s.ok()) return s;
  return Get(client.id);
}

crm::Status ClientStore::SetLoginEnabled(int64_t id, bool enabled) {
  auto r = db_.Exec("UPDATE clients SET login_enabled = ?, updated_at = ? WHERE id = ?",
                    {int64_t{enabled}, now_(), id});
  if (!r.ok()) return r.status();
  if (*r == 0) return crm::NotFound("client " + std::to_string(id) + " does not exist");
  if (!enabled) {
    // A disabled login must not keep its open sessions.
    CRM_RETURN_IF_ERROR(
        db_.Exec("DELETE FROM sessions WHERE kind = 'client' AND user_id = ?", {id}).status());
  }
  return crm::Status::Ok();
}

crm::Status ClientStore::Delete(int64_t id) {
  const auto& hooks = registry_.deletion_hooks();
  crm::Status s = db_.Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    auto exists = tx.QueryOne("SELECT email FROM clients WHERE id = ?", {id});
    if (!exists.ok()) return exists.status();
    if (!exists->has_value())
      return crm::NotFound("client " + std::to_string(id) + " does not exist");
    const std::string email = crm::text::ToLowerAscii(crm::text::Trim((**exists).Text(0)));
    for (const auto& h : hooks) {
      // A hook that fails (or throws) stops the deletion: the transaction rolls back.
      crm::Status hs = CallPlugin(logger_, "deletion hook " + h.owner + "." + h.hook.id, [&] {
        return h.hook.delete_rows ? h.hook.delete_rows(id, tx) : crm::Status::Ok();
      });
      if (!hs.ok()) {
        return crm::Status(hs.code(), "plugin " + h.owner + " (" + h.hook.id +
                                          ") refused the deletion: " + hs.message());
      }
    }
    CRM_RETURN_IF_ERROR(
        tx.Exec("DELETE FROM sessions WHERE kind = 'client' AND user_id = ?", {id}).status());
    CRM_RETURN_IF_ERROR(AccountTokens::ForgetClient(tx, id));
    // Issue 15.14: nothing of a deleted client stays, not even its failed logins (keyed by
    // its email, and "confirm:<email>" for the confirmation links it asked for).
    if (!email.empty()) {
      CRM_RETURN_IF_ERROR(tx.Exec("DELETE FROM login_attempts WHERE email = ? OR email = ?",
                                  {email, "confirm:" + email})
                              .status());
    }
    CRM_ASSIGN_OR_RETURN(int64_t deleted, tx.Exec("DELETE FROM clients WHERE id = ?", {id}));
    if (deleted != 1) return crm::Internal("client row vanished during deletion");
    return crm::Status::Ok();
  });
  if (!s.ok()) return s;
  // Files go after the rows (ARCHITECTURE: rows first, then files); a failure here
  // leaves at worst an orphan file that a scrub removes.
  for (const auto& h : hooks) {
    if (!h.hook.after_commit) continue;
    // The rows are gone whatever happens here: a failure is only logged.
    (void)CallPlugin(logger_, "after-deletion hook " + h.owner + "." + h.hook.id,
                     [&] { h.hook.after_commit(id); });
  }
  return crm::Status::Ok();
}

namespace {

crm::Status CheckPaging(const ClientListQuery& query) {
  if (query.page < 1) return crm::InvalidArgument("page: must be 1 or more");
  if (query.per_page < 1 || query.per_page > kMaxPerPage) {
    return crm::InvalidArgument("per_page: must be between 1 and " + std::to_string(kMaxPerPage));
  }
  if (!query.after.empty() && !query.before.empty())
    return crm::InvalidArgument("after, before: give one of them, not both");
  return crm::Status::Ok();
}

// The cursor of `row`'s position in `sort` (its sort fields' values, id last).
std::string CursorAt(const Client& row, const std::string& sort, int64_t page) {
  ListCursor cursor;
  cursor.sort = sort;
  cursor.page = page;
  auto fields = ClientListSortFields(sort);
  if (!fields.ok()) return "";
  for (const std::string& f : *fields) {
    if (f == "id")
      cursor.key.emplace_back(row.id);
    else if (f == "created_at")
      cursor.key.emplace_back(row.created_at);
    else if (f == "last_name")
      cursor.key.emplace_back(row.last_name);
    else if (f == "first_name")
      cursor.key.emplace_back(row.first_name);
    else if (f == "email")
      cursor.key.emplace_back(row.email);
    else if (f == "city")
      cursor.key.emplace_back(row.address.city);
    else if (f == "postal_code")
      cursor.key.emplace_back(row.address.postal_code);
    else if (f == "region")
      cursor.key.emplace_back(row.address.region);
    else if (f == "language")
      cursor.key.emplace_back(row.language);
    else
      return "";  // a sort field without a cursor: offset paging only
  }
  return EncodeListCursor(cursor);
}

}  // namespace

namespace {

// Whether a page that tests a bitmap's bits drops the term's own test: a term in the bitmap
// whose test is a subquery (a probe of another table) or the search's words read again (their
// bitmap is kept). A host filter's column test keeps its index (region's (region, last_name)
// walks a fifth of the clients where the bit alone would walk them all: 2.8 against 1.6 ms).
bool GivesWayToBits(const ListTerm& term) {
  return term.bits != nullptr ||
         (term.sets.has_value() && term.page.sql.find("SELECT") != std::string::npos);
}

// The list's default order (last name, first name, id) or its exact reverse.
bool InDefaultOrder(std::string_view sort) {
  return sort.empty() || sort == "last_name" || sort == "-last_name";
}

// The sort read backwards ("" is "last_name").
std::string ReversedSort(const std::string& sort) {
  if (sort.empty()) return "-last_name";
  return sort.front() == '-' ? sort.substr(1) : "-" + sort;
}

// " WHERE (c.id IN (...))": a page's rows named (none: an id no client has).
SqlPart IdsWhere(const std::vector<int64_t>& ids) {
  SqlPart where{" WHERE (c.id IN (", {}};
  for (size_t i = 0; i < ids.size(); ++i) {
    where.sql += i == 0 ? "?" : ", ?";
    where.params.emplace_back(ids[i]);
  }
  if (ids.empty()) {
    where.sql += "?";
    where.params.emplace_back(int64_t{-1});
  }
  where.sql += "))";
  return where;
}

}  // namespace

// WHERE: search words, then every filter (host and plugins alike, via the registry);
// ORDER BY from the whitelist; the client's columns, then each plugin column as col_N.
crm::Result<ClientStore::BuiltQuery> ClientStore::Build(const ClientListQuery& query, bool paged) {
  ClientListConditions conditions;
  CRM_RETURN_IF_ERROR(AddClientSearch(query.q, db_.Dialect(), conditions));
  CRM_RETURN_IF_ERROR(AddClientFilters(registry_, query.filters, conditions, query.viewer));
  conditions.walk_by_id = db_.Dialect() == crm::SqlDialect::kSqlite;
  conditions.merge_ids = conditions.walk_by_id;
  conditions.count_from_sets = !conditions.walk_by_id;
  // A search's words whose matches the process keeps count and page like a set (below).
  for (ListTerm& term : conditions.terms) {
    if (term.search_key.empty() || !count_with_sets_ || !keep_searches_) continue;
    CRM_ASSIGN_OR_RETURN(term.bits, search_cache_->Current(
                                        db_, term, refresh_order_ ? count_helper_.get() : nullptr));
  }
  CRM_ASSIGN_OR_RETURN(std::string order, ClientListOrderBy(query.sort, db_.Dialect()));
  BuiltQuery b;
  SqlPart select{"SELECT " + ClientColumns(db_.Dialect()), {}};
  select.sql += ", " + ClientProfileColumns(db_.Dialect());  // issue 14, still one statement
  size_t n = 0;
  for (const auto& col : registry_.columns()) {
    if (!registry_.CanRead(col, query.viewer)) continue;  // host API 1.4: not even computed
    select.sql += ", (" + col.hook.sql + ") AS col_" + std::to_string(n++);
    AppendSqlParams(select.params, col.hook.params);
    b.columns.push_back({col.owner + "." + col.hook.id, &col});
  }
  if (!paged) {
    SqlPart where = ClientListWhere(conditions, nullptr, 0);
    b.sql = select.sql + " FROM clients c" + where.sql + order;
    AppendSqlParams(b.params, select.params);
    AppendSqlParams(b.params, where.params);
    return b;
  }
  CRM_RETURN_IF_ERROR(CheckPaging(query));
  // What is known before the page decides how the page starts and how the total is had
  // (client_list_sql.h PlanClientListTotal).
  KnownSizes sizes;
  // The default order as this process keeps it, when current (client_order.h): a page of terms
  // with sets takes its ids from it.
  std::shared_ptr<const ClientOrderCache::Order> order_kept;
  if (!conditions.terms.empty())
    CRM_RETURN_IF_ERROR(ReadSizes(query, conditions, sizes, order_kept));
  b.total = PlanClientListTotal(conditions, sizes, exact_count_limit_);
  std::optional<ClientBitmap> kept;  // the clients every term keeps, when the sets gave them
  if (!b.total.known && count_with_sets_)
    CRM_RETURN_IF_ERROR(CountWithSets(conditions, b.total, sizes, kept));
  else if (count_with_sets_)
    CRM_RETURN_IF_ERROR(
        SetsForALongWalk(query, conditions, sizes, b.total, order_kept != nullptr, kept));
  CRM_ASSIGN_OR_RETURN(std::optional<std::vector<int64_t>> chosen,
                       PageIdsFromOrder(query, conditions, sizes, kept, order_kept.get()));
  SqlPart where =
      chosen.has_value() ? IdsWhere(*chosen) : PageWhere(conditions, sizes, kept, b.sorts_a_set);
  b.sql = select.sql;
  AppendSqlParams(b.params, select.params);
  b.split = b.total.merged && split_counts_from_ > 0 && sizes.max_id >= split_counts_from_ &&
            count_helper_->lists_in_flight() <= 1;
  if (b.split) {
    b.max_id = sizes.max_id;
    b.conditions = std::move(conditions);
  } else if (!b.total.known) {
    // One statement: the page and the count (an uncorrelated subquery the engine runs once).
    b.sql += ", " + b.total.count.sql + " AS total";
    AppendSqlParams(b.params, b.total.count.params);
  }
  CRM_ASSIGN_OR_RETURN(SqlPart from,
                       PageFrom(query, std::move(where), order, b, chosen.has_value()));
  b.sql += from.sql;
  AppendSqlParams(b.params, std::move(from.params));
  return b;
}

// What is known before the page: one row of counters (one index look-up each), and the kept
// order's state.
crm::Status ClientStore::ReadSizes(const ClientListQuery& query,
                                   const ClientListConditions& conditions, KnownSizes& sizes,
                                   std::shared_ptr<const ClientOrderCache::Order>& order_kept) {
  // SQLite: a search word's size is a capped count of its FTS5 matches (10,000 of a common
  // word: 2 ms); with terms that all have sets, the stream of those matches that counts the
  // combination reads it anyway (CountWithSets), so it is not asked twice.
  const int streamed = count_with_sets_ ? StreamedTerm(conditions) : -2;
  ClientListConditions asked;
  if (streamed >= 0 && conditions.terms[streamed].size_cap > 0 &&
      db_.Dialect() == crm::SqlDialect::kSqlite) {
    asked = conditions;
    asked.terms[streamed].size = {};
  }
  SqlPart sizes_query =
      ClientListSizesQuery(asked.terms.empty() ? conditions : asked, db_.Dialect());
  // The kept order's state in the same row (the order's two columns last).
  sizes_query.sql += std::string(", ") + ClientOrderCache::kStateColumns;
  CRM_ASSIGN_OR_RETURN(auto sizes_row, db_.QueryOne(sizes_query.sql, sizes_query.params));
  if (!sizes_row.has_value()) return crm::Internal("client list: no sizes row");
  sizes = ReadKnownSizes(conditions, *sizes_row);
  const size_t n = sizes_row->size();
  if (count_with_sets_ && InDefaultOrder(query.sort)) {
    order_kept = order_cache_->CurrentAt(db_, refresh_order_ ? count_helper_.get() : nullptr,
                                         sizes_row->Int(n - 2), sizes_row->Int(n - 1) != 0);
  }
  return crm::Status::Ok();
}

// A total the sizes do not give, of terms that all have client sets: their bitmaps ANDed, exact
// (client_sets.h). With one term that has none but a stream of its ids (the search's FTS5 rowids
// on SQLite; a host filter's set), that stream tested against the others' bitmap, up to
// kInexactTotal. Unchanged when the sets wait for their fold, or in any other case.
// SQLite: a page whose clients a bitmap holds walks the sort index and tests each row's bit
// (crm_in_set, sample-host/core/sqlite_database.cc) instead of probing every term's tables, while
// they are dense enough that the walk stays short (a rarer combination starts from a set, below).
// The bitmap is of the moment just before the page's statement.
// Only the terms GivesWayToBits drop their own test (a streamed term is not in the bitmap).
SqlPart ClientStore::PageWhere(const ClientListConditions& conditions, const KnownSizes& sizes,
                               const std::optional<ClientBitmap>& kept, bool& sorts_a_set) const {
  if (!kept.has_value() || db_.Dialect() != crm::SqlDialect::kSqlite ||
      kept->Count() * kBitmapPageDensity < sizes.clients)
    return ClientListWhere(conditions, &sizes, set_page_limit_, &sorts_a_set);
  ClientListConditions rest;
  KnownSizes rest_sizes = sizes;
  rest_sizes.kept.clear();
  rest_sizes.at_least.clear();
  for (size_t i = 0; i < conditions.terms.size(); ++i) {
    const ListTerm& term = conditions.terms[i];
    if (GivesWayToBits(term)) continue;
    rest.terms.push_back(term);
    rest_sizes.kept.push_back(sizes.kept[i]);
    rest_sizes.at_least.push_back(sizes.at_least[i]);
  }
  SqlPart where = ClientListWhere(rest, &rest_sizes, set_page_limit_, &sorts_a_set);
  crm::SqlParams bits;
  bits.emplace_back(kept->Bytes());  // moved on to the statement, never copied
  AndInto(where, "crm_in_set(?, c.id)", std::move(bits));
  return where;
}

// SQLite: a total the sizes gave, but a page that would probe many rows to reach its offset (a
// state alone at page 20: ~6,500 rows at 15 %, each an index probe): the terms' bitmap, so that
// the page tests bits instead (PageWhere).
crm::Status ClientStore::SetsForALongWalk(const ClientListQuery& query,
                                          const ClientListConditions& conditions,
                                          const KnownSizes& sizes, const TotalPlan& total,
                                          bool order_kept, std::optional<ClientBitmap>& kept) {
  const bool cursor = !query.after.empty() || !query.before.empty();
  // PostgreSQL tests no bits in SQL: the bitmap serves it only through the kept order, and there
  // for every page, whose walk in SQL visits the heap for each client it passes.
  const bool pg = db_.Dialect() == crm::SqlDialect::kPostgresql;
  if ((pg && !InDefaultOrder(query.sort)) || !total.known || !total.exact || total.total <= 0 ||
      conditions.terms.empty())
    return crm::Status::Ok();
  const int64_t offset = cursor ? 0 : (query.page - 1) * query.per_page;
  // A search whose matches are kept tests their bits at once, whatever the walk: its SQL test
  // reads the words again (SQLite: a fold of four columns per client; PostgreSQL: the trigram
  // index's every match and its rechecks).
  // With the default order kept, the page's ids come from it (PageIdsFromOrder) at any depth:
  // cheaper than even a short walk with a probe per client (a state alone, 15-40 % of the
  // clients, pages 1-20: 3.4-4.7 ms of CPU a request against 2.1-2.4 for region + the state,
  // whose count made the bitmap already).
  bool searched = false;
  for (const ListTerm& term : conditions.terms) searched = searched || term.bits != nullptr;
  if (!searched && !pg && !order_kept &&
      (offset + query.per_page + 1) * sizes.clients < bitmap_walk_from_ * total.total)
    return crm::Status::Ok();
  bool probes = false;  // a column test (region) walks its own index: no bit needed for it
  for (const ListTerm& term : conditions.terms) {
    if (!term.sets.has_value() && term.bits == nullptr) return crm::Status::Ok();
    probes = probes || GivesWayToBits(term);
  }
  if (!probes) return crm::Status::Ok();
  CRM_ASSIGN_OR_RETURN(kept, KeptByTerms(conditions));
  return crm::Status::Ok();
}

crm::Result<std::optional<ClientBitmap>> ClientStore::KeptByTerms(
    const ClientListConditions& conditions) {
  std::vector<const crm::ClientSetFormula*> formulas;
  for (const ListTerm& term : conditions.terms)
    if (term.sets.has_value()) formulas.push_back(&*term.sets);
  std::optional<ClientBitmap> kept;
  if (!formulas.empty()) {
    CRM_ASSIGN_OR_RETURN(kept,
                         KeptByClientSets(db_, formulas, kClientSetMaxUnfolded, set_cache_.get()));
    if (!kept.has_value()) return kept;
  }
  for (const ListTerm& term : conditions.terms) {
    if (term.bits == nullptr) continue;
    if (kept.has_value())
      kept->And(*term.bits);
    else
      kept = *term.bits;
  }
  return kept;
}

// SQLite and PostgreSQL: a page whose terms' clients the bitmap holds, in the default order (or
// its reverse), takes its ids along the order this process keeps: a test of a bit per client
// passed instead of a walk of the sort index with a probe (or, on PostgreSQL, a heap visit) per
// client. By offset, from either end; after or before a cursor, from its row's place in the order
// while that row still has the names the cursor holds. Not while that order is stale (a client
// added, removed or renamed and not yet folded: it is then read again in the background), nor for
// a set under 1 client in 100 (PageWhere starts from the set), nor with a term the bitmap lacks.
crm::Result<std::optional<std::vector<int64_t>>> ClientStore::PageIdsFromOrder(
    const ClientListQuery& query, const ClientListConditions& conditions, const KnownSizes& sizes,
    const std::optional<ClientBitmap>& kept, const ClientOrderCache::Order* order) {
  using Chosen = std::optional<std::vector<int64_t>>;
  if (order == nullptr || !kept.has_value() || !InDefaultOrder(query.sort) ||
      StreamedTerm(conditions) != -1 || kept->Count() * kBitmapPageDensity < sizes.clients)
    return Chosen();
  const bool desc = query.sort.starts_with('-');
  const std::vector<int64_t>& ids = order->ids();
  const auto n = static_cast<int64_t>(ids.size());
  if (query.after.empty() && query.before.empty())
    return Chosen(PageIdsInOrder(ids, *kept, desc, desc ? n - 1 : 0,
                                 (query.page - 1) * query.per_page, query.per_page + 1));
  CRM_ASSIGN_OR_RETURN(std::optional<size_t> at, CursorPosition(query, *order));
  if (!at.has_value()) return Chosen();
  // Towards the order's end: after a cursor of the ascending sort, before one of the descending.
  const bool backwards = desc == query.before.empty();
  const int64_t from = static_cast<int64_t>(*at) + (backwards ? -1 : 1);
  return Chosen(PageIdsInOrder(ids, *kept, backwards, from, 0, query.per_page + 1));
}

// Where a cursor's row stands in `order`: nullopt for a cursor that is not one (PageFrom says
// so), or whose client is gone or renamed since (the keyset walk in SQL continues from its names).
crm::Result<std::optional<size_t>> ClientStore::CursorPosition(
    const ClientListQuery& query, const ClientOrderCache::Order& order) {
  const bool before = !query.before.empty();
  auto cursor = DecodeListCursor(before ? query.before : query.after, before ? "before" : "after",
                                 query.sort);
  if (!cursor.ok() || cursor->key.size() != 3) return std::optional<size_t>();
  const auto* last_name = std::get_if<std::string>(&cursor->key[0]);
  const auto* first_name = std::get_if<std::string>(&cursor->key[1]);
  const auto* id = std::get_if<int64_t>(&cursor->key[2]);
  if (last_name == nullptr || first_name == nullptr || id == nullptr)
    return std::optional<size_t>();
  CRM_ASSIGN_OR_RETURN(
      auto row, db_.QueryOne("SELECT last_name, first_name FROM clients WHERE id = ?", {*id}));
  if (!row.has_value() || row->Text(0) != *last_name || row->Text(1) != *first_name)
    return std::optional<size_t>();
  return order.Position(*id);
}

crm::Status ClientStore::ReadSearch(std::string_view q) {
  ClientListConditions conditions;
  CRM_RETURN_IF_ERROR(AddClientSearch(q, db_.Dialect(), conditions));
  for (const ListTerm& term : conditions.terms)
    if (!term.search_key.empty()) CRM_RETURN_IF_ERROR(search_cache_->Read(db_, term));
  return crm::Status::Ok();
}

// -1: every term has sets; -2: no count from the sets (no term has sets, or two have none, or
// the one without cannot be streamed).
int ClientStore::StreamedTerm(const ClientListConditions& conditions) const {
  int streamed = -1;
  bool sets = false;
  for (size_t i = 0; i < conditions.terms.size(); ++i) {
    const ListTerm& term = conditions.terms[i];
    if (term.sets.has_value() || term.bits != nullptr) {
      sets = true;
      continue;
    }
    // Not PostgreSQL's search: its trigram matches come whole to the host (120,000 rows and
    // their rechecks for a common word: 166 ms against 67 for its capped count of the join).
    if (streamed >= 0 || term.complement || term.set.sql.empty() ||
        (term.size_cap > 0 && db_.Dialect() != crm::SqlDialect::kSqlite))
      return -2;
    streamed = static_cast<int>(i);
  }
  return sets ? streamed : -2;
}

crm::Status ClientStore::CountWithSets(const ClientListConditions& conditions, TotalPlan& total,
                                       KnownSizes& sizes, std::optional<ClientBitmap>& kept_out) {
  const int stream_at = StreamedTerm(conditions);
  if (stream_at == -2) return crm::Status::Ok();  // (formulas below: at least one)
  const ListTerm* streamed = stream_at >= 0 ? &conditions.terms[stream_at] : nullptr;
  CRM_ASSIGN_OR_RETURN(std::optional<ClientBitmap> kept, KeptByTerms(conditions));
  if (!kept.has_value()) return crm::Status::Ok();
  if (streamed == nullptr) {
    total = TotalPlan{true, kept->Count(), true, {}, false, false};
    kept_out = std::move(kept);
    return crm::Status::Ok();
  }
  // Any order will do: the count stops at the bound, and below it has seen every match. (`ids`
  // is SQLite's form: FTS5 rowids as a stream.)
  const SqlPart ids =
      streamed->ids.sql.empty() || db_.Dialect() != crm::SqlDialect::kSqlite
          ? SqlPart{"SELECT c.id FROM clients c" + streamed->set.sql, streamed->set.params}
          : streamed->ids;
  int64_t n = 0, read = 0;
  CRM_RETURN_IF_ERROR(db_.Query(ids.sql, ids.params, [&](const crm::SqlRow& row) {
    ++read;
    return !(kept->Has(row.Int(0)) && ++n >= kInexactTotal);
  }));
  total = TotalPlan{true, n, n < kInexactTotal, {}, false, false};
  if (!sizes.kept[stream_at].has_value()) {  // not asked (Build): what the stream read tells
    sizes.kept[stream_at] = read;
    sizes.at_least[stream_at] = n >= kInexactTotal;
  }
  kept_out = std::move(kept);  // the other terms' clients: the page tests their bits
  return crm::Status::Ok();
}

// FROM .. LIMIT of a page: the rows at an offset, or after/before a cursor (keyset paging), one
// more than per_page either way.
crm::Result<SqlPart> ClientStore::PageFrom(const ClientListQuery& query, SqlPart where,
                                           const std::string& order, BuiltQuery& b, bool chosen) {
  b.page = query.page;
  if (chosen) {
    // The page's rows by id, then sorted (a `before` page backwards, as its keyset walk reads
    // it): no LIMIT, which would let the planner walk the sort index until it met them
    // (PostgreSQL did, 16-33 ms for rows a few thousand clients in).
    b.cursor = !query.after.empty() || !query.before.empty();
    b.before = !query.before.empty();
    std::string by = order;
    if (b.cursor) {
      CRM_ASSIGN_OR_RETURN(ListCursor cursor,
                           b.before ? DecodeListCursor(query.before, "before", query.sort)
                                    : DecodeListCursor(query.after, "after", query.sort));
      b.page = cursor.page;
      if (b.before) {
        CRM_ASSIGN_OR_RETURN(by, ClientListOrderBy(ReversedSort(query.sort), db_.Dialect()));
      }
    }
    return SqlPart{" FROM clients c" + where.sql + by, std::move(where.params)};
  }
  if (query.after.empty() && query.before.empty()) {
    SqlPart from{" FROM clients c" + where.sql + order + " LIMIT ? OFFSET ?",
                 std::move(where.params)};
    const int64_t limit = query.per_page + 1;
    const int64_t offset = (query.page - 1) * query.per_page;
    if (db_.Dialect() == crm::SqlDialect::kPostgresql) {
      // PostgreSQL computes the select list (the plugins' columns) for every row OFFSET skips:
      // the page's rows are chosen first, the columns then computed for those alone. SQLite
      // skips before computing them. LIMIT and OFFSET are written as numbers: a page without
      // filters then has no parameter, and PgDatabase plans that statement once per connection
      // instead of once per page (planning was 0.55 of its 1.5 ms at a million clients).
      from.sql = " FROM (SELECT c.* FROM clients c" + where.sql + order + " LIMIT " +
                 std::to_string(limit) + " OFFSET " + std::to_string(offset) + ") c" + order;
      return from;
    }
    from.params.push_back(limit);
    from.params.push_back(offset);
    if (b.sorts_a_set) {
      // SQLite computes the select list (the plugins' columns) of every row it sorts: a page
      // that starts from a set of ids chooses its ids first (sort keys and ids only), then
      // reads those rows (a rare word's 299 matches: 2.4-3.5 against 1.6-2.0 ms a page; 50
      // clients at once, 587-646 -> 1,195-1,250 requests/s). NOT INDEXED keeps the set the
      // driver (its ids looked up by rowid): with the ids alone to read, the planner could
      // otherwise walk a covering sort index through every client. A walk of the sort index
      // skips before computing the columns: unchanged.
      from.sql = " FROM (SELECT c.id FROM clients c NOT INDEXED" + where.sql + order +
                 " LIMIT ? OFFSET ?) AS page JOIN clients c ON c.id = page.id" + order;
    }
    return from;
  }
  b.cursor = true;
  b.before = !query.before.empty();
  CRM_ASSIGN_OR_RETURN(ListCursor cursor, b.before
                                              ? DecodeListCursor(query.before, "before", query.sort)
                                              : DecodeListCursor(query.after, "after", query.sort));
  b.page = cursor.page;
  // Backwards: the reverse order from the cursor, read back to front by List.
  const std::string sort = b.before             ? ReversedSort(query.sort)
                           : query.sort.empty() ? "last_name"
                                                : query.sort;
  return ClientListKeysetFrom(where, sort, db_.Dialect(), cursor.key, query.per_page + 1);
}

crm::Result<ClientListPage> ClientStore::List(const ClientListQuery& query) {
  CountHelper::InFlight in_flight(*count_helper_);
  CRM_ASSIGN_OR_RETURN(BuiltQuery built, Build(query, /*paged=*/true));
  // A split count: the helper thread starts on its blocks, this one joins after the page.
  std::unique_ptr<BlockCounter> counter;
  if (built.split) counter = std::make_unique<BlockCounter>(db_, built.conditions, built.max_id);
  std::future<crm::Status> helper;
  if (counter) helper = count_helper_->TryRun([c = counter.get()] { return c->Work(); });
  struct Join {  // before `counter` goes, whatever the way out
    std::future<crm::Status>& done;
    ~Join() {
      if (done.valid()) done.wait();
    }
  } join{helper};
  ClientListPage page;
  page.columns = built.columns;
  page.page = query.page;
  page.per_page = query.per_page;
  const size_t ncols = page.columns.size();
  page.rows.reserve(static_cast<size_t>(query.per_page));  // a Client is some 40 strings to move
  crm::Status s = db_.Query(built.sql, built.params, [&](const crm::SqlRow& r) {
    ClientListRow row;
    row.client = RowToClient(r);
    ReadClientProfile(r, kClientColumnCount, row.client);
    for (size_t i = 0; i < ncols; ++i) row.column_values.push_back(r[kFirstPluginColumn + i]);
    if (!built.total.known && !built.split) page.total = r.Int(kFirstPluginColumn + ncols);
    page.rows.push_back(std::move(row));
    return true;
  });
  if (!s.ok()) return s;
  SetCursors(query, built, page);
  if (counter) {
    crm::Status mine = counter->Work();
    crm::Status theirs = helper.valid() ? helper.get() : crm::Status::Ok();
    if (!mine.ok()) return mine;
    if (!theirs.ok()) return theirs;
    page.total = counter->total();
    page.total_exact = counter->exact();
  } else if (built.total.known) {
    page.total = built.total.total;
    page.total_exact = built.total.exact;
  } else if (page.rows.empty() && (query.page > 1 || built.cursor)) {
    // Past the last page the statement yields no row to carry the total: ask once.
    auto c = db_.QueryOne("SELECT " + built.total.count.sql, built.total.count.params);
    if (!c.ok()) return c.status();
    page.total = c->has_value() ? (*c)->Int(0) : 0;
  }
  if (built.total.capped && page.total >= kInexactTotal) {
    page.total = kInexactTotal;  // at least that many: SPEC §6 "total_exact": false
    page.total_exact = false;
  }
  return page;
}

// Drops the extra row the page asked for, puts a backwards page in order, and sets the page's
// number and its cursors.
void ClientStore::SetCursors(const ClientListQuery& query, const BuiltQuery& built,
                             ClientListPage& page) {
  const bool more = static_cast<int64_t>(page.rows.size()) > query.per_page;
  if (more) page.rows.pop_back();
  page.page = built.page;
  if (built.before) {
    std::reverse(page.rows.begin(), page.rows.end());
    if (!more) page.page = 1;  // nothing before these rows: the first page
  }
  if (page.rows.empty()) return;
  const std::string sort = query.sort.empty() ? "last_name" : query.sort;
  const bool has_next = built.before || more;
  const bool has_prev = built.before ? more : (built.cursor || page.page > 1);
  if (has_next) page.next = CursorAt(page.rows.back().client, sort, page.page + 1);
  if (has_prev)
    page.prev = CursorAt(page.rows.front().client, sort, std::max<int64_t>(1, page.page - 1));
}

crm::Status ClientStore::ForEach(
    const ClientListQuery& query,
    const std::function<void(const std::vector<ClientListColumn>&)>& on_columns,
    const std::function<bool(const ClientListRow&)>& on_row) {
  CRM_ASSIGN_OR_RETURN(BuiltQuery built, Build(query, /*paged=*/false));
  if (on_columns) on_columns(built.columns);
  const size_t ncols = built.columns.size();
  return db_.Query(built.sql, built.params, [&](const crm::SqlRow& r) {
    ClientListRow row;
    row.client = RowToClient(r);
    ReadClientProfile(r, kClientColumnCount, row.client);
    for (size_t i = 0; i < ncols; ++i) row.column_values.push_back(r[kFirstPluginColumn + i]);
    return on_row(row);
  });
}

crm::ListFilterSource ClientStore::HostFilterSource(
    crm::Database& db, std::function<std::string(std::string_view, std::string_view)> translate) {
  crm::ListFilterSource src;
  src.id = "clients";
  src.priority = 0;
  src.list = [&db, translate](std::string_view language) {
    std::vector<crm::FilterDef> defs;
    auto distinct = [&](std::string_view id, std::string_view sql) {
      crm::FilterDef def;
      def.id = std::string(id);
      def.label = translate(language, "app.filter." + std::string(id));
      if (!sql.empty()) {
        auto rows = db.QueryAll(sql);
        if (rows.ok()) {
          for (const auto& r : *rows) def.choices.push_back({r.Text(0), r.Text(0)});
        }
      }
      defs.push_back(std::move(def));
    };
    distinct("region",
             "SELECT DISTINCT region FROM clients WHERE region <> '' ORDER BY region LIMIT 200");
    distinct("city", "SELECT DISTINCT city FROM clients WHERE city <> '' ORDER BY city LIMIT 500");
    distinct("postal_code", "");
    crm::FilterDef lang;
    lang.id = "language";
    lang.label = translate(language, "app.filter.language");
    for (std::string_view l : crm::kLanguages) {
      lang.choices.push_back(
          {std::string(l), translate(language, "app.language." + std::string(l))});
    }
    defs.push_back(std::move(lang));
    distinct("tag", "SELECT DISTINCT tag FROM client_tags ORDER BY tag LIMIT 200");
    return defs;
  };
  src.predicate = [](std::string_view id,
                     std::string_view value) -> crm::Result<crm::SqlPredicate> {
    std::string v(value);
    if (v.size() > 200) return crm::InvalidArgument("value too long");
    if (id == "region") return crm::SqlPredicate{"c.region = ?", {v}};
    if (id == "city") return crm::SqlPredicate{"c.city = ?", {v}};
    if (id == "postal_code") return crm::SqlPredicate{"c.postal_code = ?", {v}};
    if (id == "language") {
      if (!crm::IsLanguage(v)) return crm::InvalidArgument("must be en, fr or nl");
      return crm::SqlPredicate{"c.language = ?", {v}};
    }
    if (id == "tag") {
      // IN (not a correlated EXISTS): SQLite reads the tag's clients once from the
      // (tag, client_id) index instead of probing once per client.
      return crm::SqlPredicate{"c.id IN (SELECT t.client_id FROM client_tags t WHERE t.tag = ?)",
                               {v}};
    }
    return crm::NotFound("not a host filter");
  };
  return src;
}

namespace {
// The host filters that client_counts (schema 15) counts: region, city, postal_code,
// language, tag; kNotFound for another id.
crm::Status CheckCountedHostFilter(std::string_view id) {
  for (std::string_view k : {"region", "city", "postal_code", "language", "tag"})
    if (id == k) return crm::Status::Ok();
  return crm::NotFound("not a host filter");
}
}  // namespace

crm::ListFilterCount ClientStore::HostFilterCount() {
  crm::ListFilterCount count;
  count.source_id = "clients";
  // Each host filter is its own set: an index range (region, ...) or the tag's clients.
  count.count = [](std::string_view id,
                   std::string_view value) -> crm::Result<crm::FilterCountPredicate> {
    CRM_RETURN_IF_ERROR(CheckCountedHostFilter(id));
    std::string v(value);
    if (id == "tag") {
      return crm::FilterCountPredicate{
          {"c.id IN (SELECT t.client_id FROM client_tags t WHERE t.tag = ?)", {v}}, false};
    }
    return crm::FilterCountPredicate{{"c." + std::string(id) + " = ?", {v}}, false};
  };
  return count;
}

crm::Status ClientStore::RegisterHostFilters(
    crm::Registrar& reg, crm::Database& db,
    std::function<std::string(std::string_view, std::string_view)> translate) {
  CRM_RETURN_IF_ERROR(reg.AddListFilterSource(HostFilterSource(db, std::move(translate))));
  CRM_RETURN_IF_ERROR(reg.AddListFilterCount(HostFilterCount()));  // issue 10: sizes
  CRM_RETURN_IF_ERROR(reg.AddListFilterSize(HostFilterSize()));
  return reg.AddListFilterSets(HostFilterSets());
}

crm::ListFilterSets ClientStore::HostFilterSets() {
  crm::ListFilterSets sets;
  sets.source_id = "clients";
  // Schema 24 keeps a set per region and per language (few values each); the others are small.
  sets.sets = [](std::string_view id,
                 std::string_view value) -> crm::Result<crm::ClientSetFormula> {
    if (id != "region" && id != "language") return crm::NotFound("no client set");
    return crm::ClientSetFormula{{std::string(id) + ":" + std::string(value)}, {}};
  };
  return sets;
}

crm::ListFilterSize ClientStore::HostFilterSize() {
  crm::ListFilterSize size;
  size.source_id = "clients";
  size.size = [](std::string_view id, std::string_view value) -> crm::Result<crm::SqlPredicate> {
    CRM_RETURN_IF_ERROR(CheckCountedHostFilter(id));
    return crm::SqlPredicate{
        "COALESCE((SELECT k.n FROM client_counts k WHERE k.kind = ? AND k.value = ?), 0)",
        {std::string(id), std::string(value)}};
  };
  return size;
}

}  // namespace host
