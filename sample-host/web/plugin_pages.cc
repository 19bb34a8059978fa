// sample-host/web/plugin_pages.cc — the plugin manager page (SPEC H8: every file, id, version,
// state and load error) and each plugin's settings page (GET renders it, POST saves then renders
// with a message).
#include <algorithm>
#include <cctype>
#include <exception>

#include "sample-host/core/plugin_call.h"
#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"
#include "sample-host/web/user_messages.h"

namespace host::web {
namespace {

using Layout = crm::PageReply::Layout;

bool ContainsForm(std::string_view html) {
  std::string lower(html);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("<form") != std::string::npos;
}

crm::Status ShowPlugins(const DepsPtr& deps, crm::Request& request, crm::Response& response) {
  PageContext page(deps->registry, request);
  const Texts& texts = page.texts();
  TemplateData rows(TemplateData::type::list);
  std::vector<PluginState> states =
      deps->plugin_states ? deps->plugin_states() : std::vector<PluginState>();
  for (const PluginState& state : states) {
    TemplateData row;
    row.set("file", state.file.filename().string());
    row.set("path", state.file.string());
    row.set("id", state.id.empty() ? std::string("—") : state.id);
    row.set("name", state.name);
    row.set("version", state.version.empty() ? std::string("—") : state.version);
    std::string name = StateName(state.state);
    row.set("state", texts.Get("plugins.state." + name));
    row.set("state_class", name == "loaded" ? std::string("badge-ok") : std::string("badge-error"));
    // Issue 15.9: the reason in the reader's language, the technical text (the log's) beside it.
    row.set("error", state.error.empty() ? std::string() : PluginLoadMessage(texts, state.error));
    row.set("detail", state.error);
    bool has_settings = state.state == PluginState::State::kLoaded && !state.id.empty() &&
                        deps->registry.settings_pages().count(state.id) > 0;
    row.set("has_settings", has_settings);
    row.set("settings_href", "/admin/plugins/" + PercentEncode(state.id) + "/settings");
    rows.push_back(row);
  }
  // Recent warnings and errors of the log, so a load failure is visible without a shell.
  TemplateData log_lines(TemplateData::type::list);
  size_t shown = 0;
  std::vector<std::string> recent = deps->logger.Recent(500);
  for (auto it = recent.rbegin(); it != recent.rend() && shown < 20; ++it) {
    if (it->find(" WARN ") == std::string::npos && it->find(" ERROR ") == std::string::npos)
      continue;
    TemplateData line;
    line.set("text", *it);
    log_lines.push_back(line);
    ++shown;
  }
  TemplateData data;
  data.set("plugins", rows);
  data.set("empty", states.empty());
  data.set("log", log_lines);
  data.set("has_log", shown > 0);
  return page.Send(response, "plugins", data, texts.Get("plugins.title"), Layout::kAdmin);
}

crm::Status ShowSettings(const DepsPtr& deps, crm::Request& request, crm::Response& response,
                         bool post) {
  std::string id = request.PathParam("id").value_or("");
  auto it = deps->registry.settings_pages().find(id);
  if (it == deps->registry.settings_pages().end())
    return crm::NotFound("this plugin has no settings page");
  const crm::SettingsPage& settings = it->second;
  PageContext page(deps->registry, request);
  const Texts& texts = page.texts();
  TemplateData data;
  int status = 200;
  if (post) {
    // A failed save is shown on the page (a server error as the generic 500 text, 500).
    crm::Status saved = CallPlugin(deps->logger, "settings save of " + id, [&] {
      return settings.save ? settings.save(request) : crm::Internal("the plugin cannot save");
    });
    if (response.Started()) return crm::Status::Ok();
    if (saved.ok()) {
      data.set("notice", texts.Get("notice.settings_saved"));
    } else {
      if (saved.http_status() >= 500)
        deps->logger.Error("web", "settings save of " + id + ": " + saved.ToString());
      data.set("error", saved.http_status() >= 500 ? texts.Get("error.500.text") : saved.message());
      status = saved.http_status() >= 500 ? 500 : 422;
    }
  }
  // A settings page that cannot render answers 500.
  crm::Result<std::string> html = CallPlugin(deps->logger, "settings render of " + id, [&] {
    return settings.render ? settings.render(request)
                           : crm::Result<std::string>(crm::Internal("no renderer"));
  });
  if (response.Started()) return crm::Status::Ok();
  if (!html.ok()) return html.status();
  // A plugin that writes its own <form> keeps it; otherwise the host wraps the fields in one
  // (with the CSRF field), as host-api/hooks.h's SettingsPage describes.
  bool own_form = ContainsForm(html.value());
  data.set("html", html.value());
  data.set("wrap", !own_form);
  data.set("action", "/admin/plugins/" + PercentEncode(id) + "/settings");
  std::string title = texts.Raw(settings.title_key);
  return page.Send(response, "plugin_settings", data, title, Layout::kAdmin, status);
}

}  // namespace

crm::Status RegisterPluginPages(crm::Registrar& registrar, DepsPtr deps) {
  crm::Route list;
  list.method = "GET";
  list.pattern = "/admin/plugins";
  list.audience = AdminAudience("plugins.manage");
  list.handler = [deps](crm::Request& rq, crm::Response& rs) { return ShowPlugins(deps, rq, rs); };
  CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(list)));

  for (bool post : {false, true}) {
    crm::Route settings;
    settings.method = post ? "POST" : "GET";
    settings.pattern = "/admin/plugins/{id}/settings";
    settings.audience = AdminAudience("plugins.manage");
    settings.handler = [deps, post](crm::Request& rq, crm::Response& rs) {
      return ShowSettings(deps, rq, rs, post);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(settings)));
  }
  return crm::Status::Ok();
}

}  // namespace host::web
