// hooks/assets.cc — public routes /assets/plugins/client-documents/<file> for the module's
// JS and CSS, served from the embedded ui-fragments/assets/ (only names that exist there).
#include <string>
#include <string_view>

#include "hooks/context.h"

namespace cd::hooks {

namespace {

std::string_view ContentTypeOf(std::string_view name) {
  auto ends_with = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

crm::Status RegisterAssets(crm::Registrar& registrar, const ContextPtr& ctx) {
  crm::Route route;
  route.method = "GET";
  route.pattern = std::string(kAssetPrefix) + "/{file}";
  route.audience.kind = crm::Audience::Kind::kPublic;
  route.max_body = 0;
  route.handler = [ctx](crm::Request& request, crm::Response& response) -> crm::Status {
    std::string name = request.PathParam("file").value_or("");
    // A lookup in the embedded map, never a path on disk: "../" cannot reach anything.
    auto it = ctx->fragments.find("assets/" + name);
    if (name.empty() || name.find('/') != std::string::npos || it == ctx->fragments.end()) {
      return crm::NotFound("no such asset");
    }
    response.SetHeader("Cache-Control", "public, max-age=3600");
    response.SetHeader("X-Content-Type-Options", "nosniff");
    return response.Send(it->second, ContentTypeOf(name));
  };
  return registrar.AddRoute(std::move(route));
}

}  // namespace cd::hooks
