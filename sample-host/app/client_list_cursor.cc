// sample-host/app/client_list_cursor.cc — cursors of the client list: base64url JSON, checked
// field by field against the sort before any value reaches SQL.
#include "sample-host/app/client_list_cursor.h"

#include <boost/json.hpp>

#include <optional>
#include <variant>
#include <vector>

#include "sample-host/app/client_list_sql.h"
#include "sample-host/core/random.h"
#include "text/text.h"

namespace host {
namespace json = boost::json;
namespace {

// Far above any real cursor (a few sort values of at most a few hundred bytes each).
constexpr size_t kMaxCursorLength = 4096;
constexpr int64_t kMaxCursorPage = 1'000'000'000;

std::string NormalSort(std::string_view sort) {
  return sort.empty() ? std::string("last_name") : std::string(sort);
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string b64(text);
  for (char& ch : b64) {
    if (ch == '-')
      ch = '+';
    else if (ch == '_')
      ch = '/';
    else if (ch == '+' || ch == '/' || ch == '=')
      return std::nullopt;  // not base64url
  }
  while (b64.size() % 4 != 0) b64 += '=';
  return crm::text::Base64Decode(b64);
}

// The key's values, each of the kind its field has (integers: created_at, id).
crm::Result<crm::SqlParams> KeyValues(const json::array& k,
                                      const std::vector<std::string>& fields) {
  if (k.size() != fields.size()) return crm::InvalidArgument("wrong number of values");
  crm::SqlParams key;
  for (size_t i = 0; i < k.size(); ++i) {
    const bool integer = fields[i] == "id" || fields[i] == "created_at";
    if (integer && k[i].is_int64()) {
      key.emplace_back(k[i].as_int64());
    } else if (!integer && k[i].is_string()) {
      key.emplace_back(std::string(k[i].as_string()));
    } else {
      return crm::InvalidArgument("a value of the wrong type");
    }
  }
  return key;
}

crm::Result<ListCursor> ParseCursor(std::string_view text, const std::string& sort) {
  if (text.empty() || text.size() > kMaxCursorLength) return crm::InvalidArgument("bad length");
  std::optional<std::string> bytes = Base64UrlDecode(text);
  if (!bytes) return crm::InvalidArgument("not base64url");
  boost::system::error_code ec;
  json::value v = json::parse(*bytes, ec);
  if (ec || !v.is_object()) return crm::InvalidArgument("not a JSON object");
  const json::object& o = v.as_object();
  const json::value* s = o.if_contains("s");
  const json::value* k = o.if_contains("k");
  const json::value* p = o.if_contains("p");
  if (!s || !s->is_string() || !k || !k->is_array() || !p || !p->is_int64() || o.size() != 3)
    return crm::InvalidArgument("not a cursor");
  ListCursor cursor;
  cursor.sort = std::string(s->as_string());
  if (cursor.sort != sort) return crm::Conflict("made for another sort");
  cursor.page = p->as_int64();
  if (cursor.page < 1 || cursor.page > kMaxCursorPage) return crm::InvalidArgument("bad page");
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> fields, ClientListSortFields(sort));
  CRM_ASSIGN_OR_RETURN(cursor.key, KeyValues(k->as_array(), fields));
  return cursor;
}

}  // namespace

std::string EncodeListCursor(const ListCursor& cursor) {
  json::array k;
  for (const crm::SqlValue& v : cursor.key) {
    if (const auto* i = std::get_if<int64_t>(&v))
      k.emplace_back(*i);
    else if (const auto* t = std::get_if<std::string>(&v))
      k.emplace_back(*t);
  }
  json::object o{{"s", NormalSort(cursor.sort)}, {"k", std::move(k)}, {"p", cursor.page}};
  return Base64UrlEncode(json::serialize(o));
}

crm::Result<ListCursor> DecodeListCursor(std::string_view text, std::string_view name,
                                         std::string_view sort) {
  auto cursor = ParseCursor(text, NormalSort(sort));
  if (cursor.ok()) return cursor;
  if (cursor.status().code() == crm::StatusCode::kConflict) {
    return crm::InvalidArgument(std::string(name) +
                                ": the cursor was made for another sort; start again from page 1");
  }
  return crm::InvalidArgument(std::string(name) + ": not a valid cursor (" +
                              cursor.status().message() + ")");
}

}  // namespace host
