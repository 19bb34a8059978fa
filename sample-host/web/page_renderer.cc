// sample-host/web/page_renderer.cc — wraps fragments in the admin / reserved-area / bare layouts.
// The layout never trusts the fragment's title or the viewer's name: both go through mustache
// escaping.
#include "sample-host/web/page_renderer.h"
#include "sample-host/core/plugin_call.h"

#include <algorithm>
#include <cctype>
#include <exception>

#include "sample-host/app/sessions.h"  // kImpersonatedMarker
#include "sample-host/web/assets.h"
#include "sample-host/web/html.h"
#include "sample-host/web/templates.h"

namespace host::web {
namespace {

std::string_view LayoutName(crm::PageReply::Layout layout) {
  switch (layout) {
    case crm::PageReply::Layout::kAdmin:
      return "admin";
    case crm::PageReply::Layout::kAccount:
      return "account";
    case crm::PageReply::Layout::kBare:
      return "bare";
  }
  return "bare";
}

// A menu item is active when the page is its path or below it; an area's home ("/account",
// one segment) only matches itself, otherwise it would light up on every page of the area.
bool IsActive(std::string_view item_path, std::string_view page_path) {
  if (item_path == page_path) return true;
  if (item_path.size() < 2 || item_path.find('/', 1) == std::string_view::npos) return false;
  return page_path.starts_with(item_path) && page_path.size() > item_path.size() &&
         page_path[item_path.size()] == '/';
}

// The longest matching item wins, so /admin/clients/new does not also light up /admin/clients.
TemplateData MenuData(const std::vector<crm::MenuItem>& items, std::string_view path) {
  size_t best = std::string::npos;
  size_t best_length = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (IsActive(items[i].path, path) && items[i].path.size() >= best_length) {
      best = i;
      best_length = items[i].path.size();
    }
  }
  TemplateData list(TemplateData::type::list);
  for (size_t i = 0; i < items.size(); ++i) {
    TemplateData item;
    item.set("id", items[i].id);
    item.set("label", items[i].label);
    // A filter could hand back any string: only local paths become links.
    item.set("path", IsSafeLocalPath(items[i].path) ? items[i].path : std::string("#"));
    item.set("active", i == best);
    list.push_back(item);
  }
  return list;
}

TemplateData LanguagesData(std::string_view current, std::string_view path) {
  TemplateData list(TemplateData::type::list);
  std::string next = IsSafeLocalPath(path) ? std::string(path) : "/";
  for (std::string_view code : crm::kLanguages) {
    TemplateData item;
    item.set("code", std::string(code));
    item.set("name", std::string(LanguageName(code)));
    // Two-letter labels keep the switcher one short row on a phone; the full name is its accessible
    // name.
    std::string label(code);
    for (char& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    item.set("label", label);
    // A POST form per language (issue 15.7): switching changes a logged-in user's stored
    // language, which a GET link must never do.
    item.set("action", "/lang/" + std::string(code));
    item.set("next", next);
    item.set("active", code == current);
    list.push_back(item);
  }
  return list;
}

}  // namespace

std::vector<crm::MenuItem> BaseMenu(crm::MenuArea area, const Texts& texts) {
  if (area == crm::MenuArea::kAdmin) {
    return {
        {"host.clients", texts.Get("nav.clients"), "/admin/clients", 10},
        {"host.clients_new", texts.Get("nav.new_client"), "/admin/clients/new", 20},
        {"host.tasks", texts.Get("nav.tasks"), "/admin/tasks", 80},  // issue 13
        {"host.plugins", texts.Get("nav.plugins"), "/admin/plugins", 90},
        {"host.admins", texts.Get("nav.admins"), "/admin/users", 95},
        {"host.security", texts.Get("nav.security"), "/admin/security", 98},  // issue 14
    };
  }
  return {
      {"host.home", texts.Get("nav.home"), "/account", 10},
      {"host.profile", texts.Get("nav.profile"), "/account/profile", 20},
      {"host.contracts", texts.Get("nav.contracts"), "/account/contracts", 30},  // issue 13
      {"host.security", texts.Get("nav.security"), "/account/security", 90},     // issue 14
  };
}

namespace {
Logger& LoggerOrStderr(Logger* logger) {
  static Logger fallback;
  return logger != nullptr ? *logger : fallback;
}
}  // namespace

LayoutRenderer::LayoutRenderer(const HookRegistry& registry, Logger* logger)
    : registry_(registry), logger_(LoggerOrStderr(logger)) {}

Texts LayoutRenderer::TextsFor(std::string_view language) const {
  const HookRegistry* registry = &registry_;
  return Texts([registry](std::string_view lang,
                          std::string_view key) { return registry->Translate(lang, key); },
               std::string(language));
}

std::string LayoutRenderer::RenderPage(const crm::PageReply& page, const crm::Principal& viewer,
                                       std::string_view path) {
  Texts texts = TextsFor(viewer.language);
  crm::PageReply::Layout layout = page.layout;
  // A session of the wrong kind never sees the other area's menu.
  if (layout == crm::PageReply::Layout::kAdmin && !viewer.IsAdmin())
    layout = crm::PageReply::Layout::kBare;
  if (layout == crm::PageReply::Layout::kAccount && !viewer.IsClient())
    layout = crm::PageReply::Layout::kBare;

  TemplateData data;
  data.set("t", texts.Data());
  data.set("lang", texts.language());
  data.set("title", page.title);
  data.set("body", page.body_html);
  data.set("csrf", viewer.csrf_token);
  data.set("layout", std::string(LayoutName(layout)));
  data.set("languages", LanguagesData(texts.language(), path));
  data.set("css_url", AssetUrl("app.css"));
  data.set("js_url", AssetUrl("app.js"));

  bool has_nav = layout != crm::PageReply::Layout::kBare;
  data.set("has_nav", has_nav);
  if (has_nav) {
    crm::MenuArea area =
        layout == crm::PageReply::Layout::kAdmin ? crm::MenuArea::kAdmin : crm::MenuArea::kAccount;
    std::vector<crm::MenuItem> base = BaseMenu(area, texts);
    // A plugin's filter failed: the host's own menu still lets the user work.
    crm::Result<std::vector<crm::MenuItem>> built =
        CallPlugin(logger_, "menu filter", [&] { return registry_.BuildMenu(area, base, viewer); });
    std::vector<crm::MenuItem> items = built.ok() ? std::move(built).value() : base;
    std::stable_sort(
        items.begin(), items.end(),
        [](const crm::MenuItem& a, const crm::MenuItem& b) { return a.order < b.order; });
    data.set("menu", MenuData(items, path));
    bool admin = area == crm::MenuArea::kAdmin;
    data.set("home", std::string(admin ? "/admin/clients" : "/account"));
    data.set("area_label",
             admin ? texts.Get("layout.area_admin") : texts.Get("layout.area_account"));
    TemplateData user;
    user.set("name", viewer.display_name.empty() ? viewer.email : viewer.display_name);
    user.set("email", viewer.email);
    data.set("user", user);
    data.set("logout", std::string(admin ? "/admin/logout" : "/account/logout"));
    // SPEC H14: a reserved-area session an admin opened says so on every page.
    if (!admin && viewer.HasPermission(kImpersonatedMarker)) {
      data.set("impersonation",
               texts.Format("impersonation.banner", {{"name", viewer.display_name}}));
    }
  }
  crm::Result<std::string> html = RenderTemplate("layout", data);
  if (!html.ok()) {
    // The layout itself is broken (a bug): still answer something readable and escaped.
    return "<!doctype html><meta charset=\"utf-8\"><title>" + EscapeHtml(page.title) + "</title>" +
           page.body_html;
  }
  // The template's leading comment leaves blank lines; the doctype must come first.
  std::string out = std::move(html).value();
  size_t start = out.find_first_not_of(" \t\r\n");
  if (start != std::string::npos && start > 0) out.erase(0, start);
  return out;
}

std::string LayoutRenderer::RenderError(int http_status, std::string_view message,
                                        const crm::Principal& viewer, std::string_view path) {
  Texts texts = TextsFor(viewer.language);
  std::string kind = http_status == 401 || http_status == 403   ? "403"
                     : http_status == 404 || http_status == 405 ? "404"
                     : http_status >= 500                       ? "500"
                                                                : "400";
  bool admin_area = path.starts_with("/admin");
  TemplateData data;
  data.set("t", texts.Data());
  data.set("status", std::to_string(http_status));
  data.set("explanation", texts.Get("error." + kind + ".text"));
  // Server errors may carry internals (paths, SQL): people only see the generic text.
  if (http_status < 500 && !message.empty()) data.set("message", std::string(message));
  data.set("home", std::string(admin_area ? "/admin/clients" : "/account"));
  crm::Result<std::string> body = RenderTemplate("error", data);

  crm::PageReply page;
  page.title = texts.Get("error." + kind + ".title");
  page.status = http_status;
  page.body_html = body.ok() ? body.value() : EscapeHtml(page.title);
  page.layout = admin_area && viewer.IsAdmin()     ? crm::PageReply::Layout::kAdmin
                : !admin_area && viewer.IsClient() ? crm::PageReply::Layout::kAccount
                                                   : crm::PageReply::Layout::kBare;
  return RenderPage(page, viewer, path);
}

}  // namespace host::web
