// hooks/journal_pages.cc — PT4, X5 on the admin pages: the "Journal" tab of a client's profile,
// the module's journal page (filters, pages, CSV, the chain's verdict) and its admin menu entry.
// Adapters over plugin/journal/use_cases.h.
#include <string>
#include <vector>

#include "hooks/context.h"
#include "hooks/page_routes.h"
#include "hooks/view.h"
#include "plugin/access.h"
#include "plugin/journal/use_cases.h"

namespace cd::hooks {

namespace {

inline const std::string kJournalPath = std::string(kAdminPrefix) + "/journal";
constexpr char kJournalTabId[] = "journal";

// Who acted, as staff read it: the stored name, else the kind ("client", "API", "system").
std::string ActorText(Context& ctx, const std::string& lang, const JournalEntry& e) {
  std::string kind = ctx.texts.Get(lang, "journal.actor_" + e.actor_kind);
  return e.actor_name.empty() ? kind : e.actor_name + " (" + kind + ")";
}

Data EntryData(Context& ctx, const std::string& lang, const JournalEntry& e) {
  Data d;
  d.set("seq", std::to_string(e.seq));
  d.set("at", FormatDateTime(ctx.host, lang, e.at));
  d.set("actor", ActorText(ctx, lang, e));
  d.set("action", ctx.texts.Get(lang, "journal.action_" + e.action));
  d.set("has_client", e.client_id != 0);
  d.set("client_id", std::to_string(e.client_id));
  d.set("client_url", "/admin/clients/" + std::to_string(e.client_id));
  d.set("object", e.object);
  d.set("ip", e.ip);
  d.set("detail", e.detail);
  return d;
}

// The query string of `q`'s filters (for the CSV link and the pages' links).
std::string FilterQuery(const JournalQuery& q, const std::string& from, const std::string& to) {
  std::string out;
  auto add = [&](const char* name, const std::string& value) {
    if (value.empty()) return;
    out += (out.empty() ? "?" : "&") + std::string(name) + "=" + crm::text::PercentEncode(value);
  };
  add("client_id", q.client_id ? std::to_string(*q.client_id) : "");
  add("action", q.action);
  add("from", from);
  add("to", to);
  return out;
}

// The journal's table, filters and verdict; `fixed_client`: the profile tab of that client.
crm::Result<std::string> RenderJournal(Context& ctx, crm::Request& request, JournalQuery query,
                                       std::optional<int64_t> fixed_client) {
  const crm::Principal& caller = request.Caller();
  const std::string& lang = caller.language;
  if (fixed_client) query.client_id = fixed_client;
  CRM_ASSIGN_OR_RETURN(JournalPage page, ListJournal(ctx.services, caller, query));
  CRM_ASSIGN_OR_RETURN(JournalVerdict verdict, VerifyJournal(ctx.services, caller));
  DataList rows;
  for (const JournalEntry& e : page.items) rows.push_back(EntryData(ctx, lang, e));
  const std::string from = request.Query("from").value_or("");
  const std::string to = request.Query("to").value_or("");
  const std::string filters = FilterQuery(query, from, to);
  Data data;
  data.set("entries", rows);
  data.set("empty", rows.empty());
  data.set("action", kJournalPath);
  data.set("show_filters", !fixed_client.has_value());
  data.set("client_id", query.client_id ? std::to_string(*query.client_id) : "");
  data.set("filter_action", query.action);
  data.set("from", from);
  data.set("to", to);
  data.set("csv_url", kJournalPath + ".csv" + filters);
  data.set("full_url", kJournalPath + filters);
  data.set("chain_ok", verdict.ok);
  data.set("bad_seq", verdict.first_bad_seq ? std::to_string(*verdict.first_bad_seq) : "");
  data.set("entries_total", std::to_string(page.total));
  const bool more = static_cast<int64_t>(page.page) * page.per_page < page.total;
  data.set("has_prev", page.page > 1);
  data.set("has_next", more && !fixed_client);
  const std::string sep = filters.empty() ? "?" : "&";
  data.set("prev_url", kJournalPath + filters + sep + "page=" + std::to_string(page.page - 1));
  data.set("next_url", kJournalPath + filters + sep + "page=" + std::to_string(page.page + 1));
  return Render(ctx, "journal", lang, std::move(data));
}

crm::Status ShowJournal(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(JournalQuery query, JournalQueryOf(request));
  CRM_ASSIGN_OR_RETURN(std::string body, RenderJournal(ctx, request, query, std::nullopt));
  return response.SendPage(crm::PageReply{crm::PageReply::Layout::kAdmin,
                                          ctx.texts.Get(request.Caller().language, "journal.title"),
                                          std::move(body), 200});
}

crm::Status JournalCsv(Context& ctx, crm::Request& request, crm::Response& response) {
  CRM_ASSIGN_OR_RETURN(JournalQuery query, JournalQueryOf(request));
  CRM_ASSIGN_OR_RETURN(std::string csv, ExportJournalCsv(ctx.services, request.Caller(), query));
  response.SetHeader("Content-Disposition", "attachment; filename=\"journal.csv\"");
  return response.Send(csv, "text/csv; charset=utf-8");
}

}  // namespace

crm::Status RegisterJournalPages(crm::Registrar& registrar, const ContextPtr& ctx) {
  CRM_RETURN_IF_ERROR(registrar.AddProfileTab(crm::ProfileTab{
      kJournalTabId, "client-documents.journal.tab", kPermRead,
      [ctx](const crm::ClientInfo& client, crm::Request& request) -> crm::Result<std::string> {
        JournalQuery query;
        query.per_page = 100;  // the latest; the journal page has the rest
        return RenderJournal(*ctx, request, query, client.id);
      },
      crm::kDefaultPriority + 1}));

  crm::MenuFilter menu;
  menu.id = "journal";
  menu.area = crm::MenuArea::kAdmin;
  menu.filter = [ctx](std::vector<crm::MenuItem> items, const crm::Principal& viewer) {
    if (viewer.HasPermission(kPermRead)) {
      items.push_back(crm::MenuItem{"client-documents.journal",
                                    ctx->texts.Get(viewer.language, "journal.title"), kJournalPath,
                                    80});
    }
    return items;
  };
  CRM_RETURN_IF_ERROR(registrar.AddMenuFilter(std::move(menu)));

  const crm::Audience reader{crm::Audience::Kind::kAdmin, kPermRead, ""};
  return AddPageRoutes(registrar, ctx,
                       {
                           {"GET", kJournalPath, reader, 0, ShowJournal},
                           {"GET", kJournalPath + ".csv", reader, 0, JournalCsv},
                       });
}

}  // namespace cd::hooks
