// plugin/journal/use_cases.cc — the journal's read use cases (use_cases.h) and the parsing of
// their filters, shared by the API and the admin page.
#include "plugin/journal/use_cases.h"

#include <cstdio>
#include <ctime>

#include "plugin/access.h"
#include "plugin/api_json.h"
#include "text/text.h"

namespace cd {
namespace {

// "2026-12-31" (end_of_day: its last second) or "2026-12-31T10:00:00Z" to Unix seconds.
std::optional<int64_t> ParseWhen(std::string_view s, bool end_of_day) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  char tail = 0;
  std::string text(s);
  if (s.size() == 10 && std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3) {
    if (end_of_day) h = 23, mi = 59, se = 59;
  } else if (s.size() != 20 || std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &y, &mo, &d,
                                           &h, &mi, &se) != 6) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  return static_cast<int64_t>(timegm(&tm));
}

crm::Result<int> PositiveParam(const crm::Request& request, std::string_view name, int fallback,
                               int max) {
  std::optional<std::string> value = request.Query(name);
  if (!value || value->empty()) return fallback;
  std::optional<int64_t> n = crm::text::ParseId(std::string_view(*value));
  if (!n || *n > max) {
    return crm::InvalidArgument(std::string(name) + ": a number from 1 to " + std::to_string(max));
  }
  return static_cast<int>(*n);
}

std::string CsvCell(std::string_view value) {
  std::string v(value);
  // A cell a spreadsheet would run as a formula is neutralised.
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

crm::Result<JournalQuery> JournalQueryOf(const crm::Request& request) {
  JournalQuery q;
  if (auto c = request.Query("client_id"); c && !c->empty()) {
    q.client_id = crm::text::ParseId(std::string_view(*c));
    if (!q.client_id) return crm::InvalidArgument("client_id: a client id");
  }
  const std::string action = request.Query("action").value_or("");
  q.action = std::string(crm::text::Trim(action));
  for (char c : q.action) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return crm::InvalidArgument("action: unknown");
  }
  struct Bound {
    const char* name;
    bool end_of_day;
    std::optional<int64_t>* out;
  };
  for (const Bound& b : {Bound{"from", false, &q.from}, Bound{"to", true, &q.to}}) {
    std::optional<std::string> v = request.Query(b.name);
    if (!v || v->empty()) continue;
    *b.out = ParseWhen(*v, b.end_of_day);
    if (!*b.out) return crm::InvalidArgument(std::string(b.name) + ": YYYY-MM-DD");
  }
  CRM_ASSIGN_OR_RETURN(q.page, PositiveParam(request, "page", 1, 1'000'000));
  CRM_ASSIGN_OR_RETURN(q.per_page, PositiveParam(request, "per_page", 50, kJournalMaxPerPage));
  return q;
}

crm::Status CheckJournalRead(const crm::Principal& actor) {
  if (actor.IsAdmin() && actor.HasPermission(kPermRead)) return crm::Status::Ok();
  if (actor.IsToken() && actor.HasScope(kScopeRead) && actor.HasPermission(kPermRead))
    return crm::Status::Ok();
  if (actor.kind == crm::Principal::Kind::kAnonymous) return crm::Unauthenticated("sign in");
  return crm::PermissionDenied("the journal is for staff with documents.read");
}

crm::Result<JournalPage> ListJournal(Services& services, const crm::Principal& actor,
                                     JournalQuery query) {
  CRM_RETURN_IF_ERROR(CheckJournalRead(actor));
  return services.journal().List(query);
}

crm::Result<std::string> ExportJournalCsv(Services& services, const crm::Principal& actor,
                                          JournalQuery query) {
  query.all = true;
  query.oldest_first = true;
  CRM_ASSIGN_OR_RETURN(JournalPage page, ListJournal(services, actor, query));
  std::string out = "\xEF\xBB\xBF";
  out +=
      "seq;at;actor_kind;actor_id;actor_name;action;client_id;object;ip;detail;prev_hash;hash\r\n";
  for (const JournalEntry& e : page.items) {
    for (const std::string& cell :
         {std::to_string(e.seq), IsoTimeUtc(e.at), e.actor_kind, std::to_string(e.actor_id),
          e.actor_name, e.action, std::to_string(e.client_id), e.object, e.ip, e.detail,
          e.prev_hash}) {
      out += CsvCell(cell) + ";";
    }
    out += CsvCell(e.hash) + "\r\n";
  }
  return out;
}

crm::Result<JournalVerdict> VerifyJournal(Services& services, const crm::Principal& actor) {
  CRM_RETURN_IF_ERROR(CheckJournalRead(actor));
  return services.journal().Verify();
}

}  // namespace cd
