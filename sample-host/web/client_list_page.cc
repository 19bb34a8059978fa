// sample-host/web/client_list_page.cc — the admin client list (SPEC H2): search, host and plugin
// filters, sortable headers, pagination, plugin columns, CSV export and import with a per-row
// report.
#include <algorithm>
#include <exception>

#include "sample-host/app/money.h"
#include "sample-host/core/plugin_call.h"
#include "sample-host/web/avatar_pages.h"
#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"
#include "sample-host/web/user_messages.h"

namespace host::web {
namespace {

constexpr int64_t kPerPageChoices[] = {10, 25, 50, 100};

// The host's own columns: label key, sort key (empty: not sortable).
struct HostColumn {
  std::string_view id;
  std::string_view sort;
};
constexpr HostColumn kHostColumns[] = {
    {"name", "last_name"}, {"email", "email"}, {"city", "city"}, {"postal_code", "postal_code"},
    {"region", "region"},  {"language", ""},   {"tags", ""},     {"created_at", "created_at"},
};

// The list query from the URL. Values are only copied here; ClientStore validates them.
ClientListQuery QueryFrom(const crm::Request& request) {
  ClientListQuery query;
  query.viewer = &request.Caller();
  query.q = request.Query("q").value_or("");
  query.page = ParseId(request.Query("page")).value_or(1);
  query.per_page = std::min(ParseId(request.Query("per_page")).value_or(25), kMaxPerPage);
  std::string sort = request.Query("sort").value_or("");
  if (!sort.empty()) query.sort = sort;
  query.after = request.Query("after").value_or("");
  query.before = request.Query("before").value_or("");
  for (const auto& [key, value] : request.QueryAll()) {
    if (key.size() > 8 && key.starts_with("filter[") && key.ends_with("]") && !value.empty()) {
      query.filters.emplace_back(key.substr(7, key.size() - 8), value);
    }
  }
  return query;
}

// The query string of `query` with some parts changed, for links that keep the filters: page
// `page`, or with `cursor` = {"after" | "before", cursor} the rows after or before a cursor.
std::string ListUrl(std::string_view base, const ClientListQuery& query, int64_t page,
                    std::string_view sort, const std::pair<std::string, std::string>& cursor = {}) {
  std::vector<std::pair<std::string, std::string>> params;
  if (!query.q.empty()) params.emplace_back("q", query.q);
  for (const auto& [id, value] : query.filters) params.emplace_back("filter[" + id + "]", value);
  if (!sort.empty() && sort != "last_name") params.emplace_back("sort", std::string(sort));
  if (query.per_page != 25) params.emplace_back("per_page", std::to_string(query.per_page));
  if (!cursor.first.empty()) {
    params.push_back(cursor);
  } else if (page > 1) {
    params.emplace_back("page", std::to_string(page));
  }
  std::string url(base);
  if (!params.empty()) url += "?" + BuildQuery(params);
  return url;
}

std::string FilterValue(const ClientListQuery& query, std::string_view id) {
  for (const auto& [key, value] : query.filters) {
    if (key == id) return value;
  }
  return "";
}

// An HTML id made of safe characters only (filter ids come from plugins).
std::string DomId(std::string_view prefix, std::string_view id) {
  std::string out(prefix);
  for (char c : id) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '-';
  return out;
}

TemplateData FiltersData(const HookRegistry& registry, const Texts& texts,
                         const ClientListQuery& query, Logger& logger) {
  // A plugin's filter list failed: the list shows no filter form rather than no page.
  crm::Result<std::vector<crm::FilterDef>> listed = CallPlugin(
      logger, "list filters", [&] { return registry.ListFilters(texts.language(), query.viewer); });
  std::vector<crm::FilterDef> defs;
  if (listed.ok()) defs = std::move(listed).value();
  TemplateData list(TemplateData::type::list);
  for (const crm::FilterDef& def : defs) {
    TemplateData item;
    std::string current = FilterValue(query, def.id);
    item.set("name", "filter[" + def.id + "]");
    item.set("dom_id", DomId("filter-", def.id));
    item.set("label", def.label.empty() ? def.id : def.label);
    item.set("value", current);
    item.set("has_choices", !def.choices.empty());
    std::vector<std::pair<std::string, std::string>> choices;
    bool current_listed = current.empty();
    for (const crm::FilterChoice& choice : def.choices) {
      choices.emplace_back(choice.value, choice.label.empty() ? choice.value : choice.label);
      if (choice.value == current) current_listed = true;
    }
    // A value from the URL that is no longer offered stays visible, so the user sees why the list
    // is short.
    if (!current_listed) choices.emplace_back(current, current);
    item.set("choices", Choices(choices, current));
    item.set("active", !current.empty());
    list.push_back(item);
  }
  return list;
}

// Plugin columns come right after name and email: on a laptop screen they stay visible
// without scrolling the table sideways.
constexpr size_t kPluginColumnsAfter = 2;

TemplateData HeadersData(const Texts& texts, const ClientListQuery& query,
                         const ClientListPage& page) {
  TemplateData list(TemplateData::type::list);
  std::string_view current = query.sort;
  bool descending = current.starts_with("-");
  std::string_view current_key = descending ? current.substr(1) : current;
  auto add_plugin_headers = [&] {
    for (const ClientListColumn& column : page.columns) {
      TemplateData item;
      std::string label =
          column.column != nullptr ? texts.Raw(column.column->hook.label_key) : column.key;
      item.set("label", label);
      item.set("sortable", false);
      item.set("plugin", true);
      list.push_back(item);
    }
  };
  size_t index = 0;
  for (const HostColumn& column : kHostColumns) {
    if (index++ == kPluginColumnsAfter) add_plugin_headers();
    TemplateData item;
    item.set("label", texts.Get("clients.col." + std::string(column.id)));
    bool sortable = !column.sort.empty();
    item.set("sortable", sortable);
    if (sortable) {
      bool is_current = current_key == column.sort;
      std::string next_sort =
          is_current && !descending ? "-" + std::string(column.sort) : std::string(column.sort);
      item.set("href", ListUrl("/admin/clients", query, 1, next_sort));
      item.set("aria_sort",
               std::string(is_current ? (descending ? "descending" : "ascending") : "none"));
      item.set("arrow", std::string(is_current ? (descending ? "↓" : "↑") : ""));
    }
    list.push_back(item);
  }
  return list;
}

std::string RenderCell(const ClientListColumn& column, const crm::SqlValue& value,
                       const Texts& texts, Logger& logger) {
  if (column.column == nullptr || !column.column->hook.render_html) return "";
  // A cell that fails shows a dash; the rest of the list stays.
  crm::Result<std::string> cell = CallPlugin(logger, "column " + column.key, [&] {
    return column.column->hook.render_html(value, texts.language());
  });
  return cell.ok() ? std::move(cell).value() : "<span class=\"muted\">—</span>";
}

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const std::string& tag : tags) {
    if (!out.empty()) out += ", ";
    out += tag;
  }
  return out;
}

TemplateData RowsData(const Texts& texts, const ClientListPage& page, Logger& logger,
                      const HostTimeZone& zone) {
  TemplateData list(TemplateData::type::list);
  for (const ClientListRow& row : page.rows) {
    const Client& c = row.client;
    TemplateData item;
    item.set("id", std::to_string(c.id));
    item.set("href", "/admin/clients/" + std::to_string(c.id));
    std::string name = c.last_name;
    if (!c.first_name.empty()) name += (name.empty() ? "" : ", ") + c.first_name;
    if (name.empty()) name = c.company.empty() ? "#" + std::to_string(c.id) : c.company;
    item.set("name", name);
    item.set("initials", ClientInitials(c));  // issue 14: the avatar, else the initials
    if (!c.avatar.empty()) item.set("avatar", AvatarUrl(c));
    item.set("company", c.company);
    item.set("email", c.email);
    item.set("city", c.address.city);
    item.set("postal_code", c.address.postal_code);
    item.set("region", c.address.region);
    item.set("language", c.language);
    item.set("tags", JoinTags(c.tags));
    item.set("created_at", FormatDay(c.created_at, texts.language(), zone));
    TemplateData cells(TemplateData::type::list);
    for (size_t i = 0; i < page.columns.size(); ++i) {
      TemplateData cell;
      crm::SqlValue value = i < row.column_values.size() ? row.column_values[i] : crm::SqlValue();
      // Plugins escape their own cells (host-api/hooks.h: render_html returns escaped HTML).
      cell.set("html", RenderCell(page.columns[i], value, texts, logger));
      cells.push_back(cell);
    }
    item.set("cells", cells);
    list.push_back(item);
  }
  return list;
}

// "{n} client" / "{n} clients" (issue 15.14: never "1 clients"): `key`.one or `key`.other by
// the reader's language's rule (French says "0 client", English and Dutch "0 clients").
std::string CountText(const Texts& texts, std::string_view key, int64_t n) {
  const bool one = texts.language() == "fr" ? n < 2 : n == 1;
  return texts.Format(std::string(key) + (one ? ".one" : ".other"),
                      {{"n", FormatCount(n, texts.language())}});
}

// Past this many matches (or with a bound for a total), Previous and Next follow the page's
// cursors (keyset paging, issue 10): an offset page walks every row before it, so page k of a
// filtered list would cost k times page 1. Below it, page numbers stay in the links.
constexpr int64_t kOffsetPagingLimit = 1000;

void SetPagerLinks(const ClientListQuery& query, const ClientListPage& page, int64_t pages,
                   TemplateData& data) {
  const bool by_cursor = !page.total_exact || page.total > kOffsetPagingLimit ||
                         !query.after.empty() || !query.before.empty();
  if (!by_cursor) {
    if (page.page > 1)
      data.set("prev", ListUrl("/admin/clients", query, page.page - 1, query.sort));
    if (page.page < pages)
      data.set("next", ListUrl("/admin/clients", query, page.page + 1, query.sort));
    return;
  }
  if (!page.prev.empty())
    data.set("prev", ListUrl("/admin/clients", query, 1, query.sort, {"before", page.prev}));
  if (!page.next.empty())
    data.set("next", ListUrl("/admin/clients", query, 1, query.sort, {"after", page.next}));
  // Back to the start in one step (Previous, from page 2, already goes there).
  if (page.page > 2) data.set("first", ListUrl("/admin/clients", query, 1, query.sort));
}

TemplateData PaginationData(const Texts& texts, const ClientListQuery& query,
                            const ClientListPage& page) {
  TemplateData data;
  int64_t per_page = page.per_page > 0 ? page.per_page : 25;
  int64_t pages = std::max<int64_t>(1, (page.total + per_page - 1) / per_page);
  std::string total = CountText(texts, "clients.count", page.total);
  if (page.total_exact) {
    data.set("summary", texts.Format("clients.page_of", {{"page", std::to_string(page.page)},
                                                         {"pages", std::to_string(pages)},
                                                         {"total", total}}));
  } else {
    // A bound (SPEC §6): "10,000+" clients, and as many pages as there are full ones.
    data.set("summary", texts.Format("clients.page_of_many",
                                     {{"page", std::to_string(page.page)},
                                      {"total", FormatCount(page.total, texts.language())}}));
    if (static_cast<int64_t>(page.rows.size()) == per_page) pages = page.page + 1;
  }
  SetPagerLinks(query, page, pages, data);
  std::vector<std::pair<std::string, std::string>> choices;
  for (int64_t n : kPerPageChoices) choices.emplace_back(std::to_string(n), std::to_string(n));
  data.set("per_page_choices", Choices(choices, std::to_string(query.per_page)));
  return data;
}

crm::Status ShowList(const DepsPtr& deps, crm::Request& request, crm::Response& response,
                     const std::vector<CsvImportLine>* import_report, std::string import_error) {
  PageContext page(deps->registry, request);
  const Texts& texts = page.texts();
  ClientListQuery query = QueryFrom(request);
  crm::Result<ClientListPage> result = deps->clients.List(query);
  TemplateData data;
  int status = 200;
  ClientListPage list;
  if (result.ok()) {
    list = std::move(result).value();
  } else {
    // A bad filter or sort from the URL: show the page with the error rather than a bare 400.
    data.set("error", UserMessage(texts, result.status().message()));
    status = result.status().http_status();
    if (status < 500 && status != 403) status = 400;
    list.page = 1;
    list.per_page = query.per_page;
    if (status == 500) deps->logger.Error("web", "client list: " + result.status().ToString());
  }
  data.set("q", query.q);
  data.set("filters", FiltersData(deps->registry, texts, query, deps->logger));
  data.set("has_filters", !query.filters.empty() || !query.q.empty());
  data.set("sort", query.sort);
  data.set("headers", HeadersData(texts, query, list));
  data.set("rows", RowsData(texts, list, deps->logger, deps->zone));
  data.set("empty", list.rows.empty());
  data.set("pagination", PaginationData(texts, query, list));
  data.set("total", FormatCount(list.total, texts.language()) + (list.total_exact ? "" : "+"));
  const crm::Principal& viewer = request.Caller();
  bool can_csv = viewer.HasPermission("clients.import_export");
  data.set("can_write", viewer.HasPermission("clients.write"));
  data.set("can_export", can_csv && static_cast<bool>(deps->export_csv));
  data.set("can_import", can_csv && static_cast<bool>(deps->import_csv));
  data.set("export_href", ListUrl("/admin/clients/export.csv", query, 1, query.sort));
  if (import_report != nullptr) {
    TemplateData report(TemplateData::type::list);
    int64_t ok_count = 0, error_count = 0;
    for (const CsvImportLine& line : *import_report) {
      TemplateData item;
      item.set("line", std::to_string(line.line));
      item.set("ok", line.ok);
      item.set("message", UserMessage(texts, line.message));
      if (line.client_id > 0) item.set("href", "/admin/clients/" + std::to_string(line.client_id));
      report.push_back(item);
      (line.ok ? ok_count : error_count)++;
    }
    TemplateData import;
    import.set("lines", report);
    import.set("summary",
               texts.Format("clients.import.summary",
                            {{"ok", CountText(texts, "clients.import.imported", ok_count)},
                             { "errors",
                               CountText(texts, "clients.import.refused", error_count) }}));
    import.set("has_errors", error_count > 0);
    data.set("import", import);
  }
  if (!import_error.empty()) data.set("import_error", import_error);
  std::string notice = NoticeText(texts, request.Query("notice").value_or(""));
  if (!notice.empty()) data.set("notice", notice);
  return page.Send(response, "client_list", data, texts.Get("clients.title"),
                   crm::PageReply::Layout::kAdmin, status);
}

}  // namespace

crm::Status RegisterClientListPages(crm::Registrar& registrar, DepsPtr deps) {
  crm::Route list;
  list.method = "GET";
  list.pattern = "/admin/clients";
  list.audience = AdminAudience("clients.read");
  list.handler = [deps](crm::Request& request, crm::Response& response) {
    return ShowList(deps, request, response, nullptr, "");
  };
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(list)));

  crm::Route export_csv;
  export_csv.method = "GET";
  export_csv.pattern = "/admin/clients/export.csv";
  export_csv.audience = AdminAudience("clients.import_export");
  export_csv.handler = [deps](crm::Request& request, crm::Response& response) -> crm::Status {
    if (!deps->export_csv) return crm::NotFound("CSV export is not available");
    ClientListQuery query = QueryFrom(request);
    response.SetHeader("Content-Disposition", "attachment; filename=\"clients.csv\"");
    response.SetHeader("X-Content-Type-Options", "nosniff");
    bool begun = false;
    crm::Status s = deps->export_csv(query, [&](std::string_view chunk) -> crm::Status {
      if (!begun) {
        CRM_RETURN_IF_ERROR(response.BeginStream("text/csv; charset=utf-8"));
        begun = true;
      }
      return response.Write(chunk);
    });
    if (!s.ok()) {
      // Once bytes are out the status line is gone: cut the stream so the file is visibly
      // incomplete.
      if (begun) deps->logger.Error("web", "CSV export failed mid-way: " + s.ToString());
      return s;
    }
    if (!begun) CRM_RETURN_IF_ERROR(response.BeginStream("text/csv; charset=utf-8"));
    return response.End();
  };
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(export_csv)));

  crm::Route import_csv;
  import_csv.method = "POST";
  import_csv.pattern = "/admin/clients/import";
  import_csv.audience = AdminAudience("clients.import_export");
  import_csv.max_body = 1 << 20;
  import_csv.handler = [deps](crm::Request& request, crm::Response& response) -> crm::Status {
    PageContext page(deps->registry, request);
    if (!deps->import_csv) return crm::NotFound("CSV import is not available");
    std::string csv = request.FormValue("csv").value_or("");
    if (csv.empty())
      return ShowList(deps, request, response, nullptr, page.texts().Get("clients.import.empty"));
    crm::Result<std::vector<CsvImportLine>> report = deps->import_csv(csv);
    if (!report.ok())
      return ShowList(deps, request, response, nullptr,
                      UserMessage(page.texts(), report.status().message()));
    return ShowList(deps, request, response, &report.value(), "");
  };
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(import_csv)));
  return crm::Status::Ok();
}

}  // namespace host::web
