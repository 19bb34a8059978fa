// sample-host/web/asset_routes.cc — serves the embedded CSS and JavaScript with caching headers:
// a content ETag (304 on If-None-Match) and a long max-age, since the layout links them with
// ?v=<hash>.
#include <cstdio>
#include <string>

#include "sample-host/web/assets.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/templates.h"

namespace host::web {
namespace {

uint64_t Fnv1a(std::string_view data) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

}  // namespace

const Asset* FindAsset(std::string_view name) {
  static const auto* assets = [] {
    auto* list = new std::vector<Asset>();
    for (auto& [path, content] : EmbeddedAssets()) {
      Asset asset;
      asset.name = path;
      asset.content = content;
      asset.content_type = path.ends_with(".css")  ? "text/css; charset=utf-8"
                           : path.ends_with(".js") ? "text/javascript; charset=utf-8"
                                                   : "application/octet-stream";
      char hex[17];
      std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(Fnv1a(content)));
      asset.version = std::string(hex, 12);
      list->push_back(std::move(asset));
    }
    return list;
  }();
  for (const Asset& asset : *assets) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

std::string AssetUrl(std::string_view name) {
  const Asset* asset = FindAsset(name);
  std::string url = "/assets/" + std::string(name);
  if (asset != nullptr) url += "?v=" + asset->version;
  return url;
}

crm::Status RegisterAssetRoutes(crm::Registrar& registrar) {
  for (std::string_view name : {"app.css", "app.js"}) {
    crm::Route route;
    route.method = "GET";
    route.pattern = "/assets/" + std::string(name);
    route.audience = PublicAudience();
    route.handler = [name = std::string(name)](crm::Request& request,
                                               crm::Response& response) -> crm::Status {
      const Asset* asset = FindAsset(name);
      if (asset == nullptr) return crm::NotFound("no asset " + name);
      std::string etag = "\"" + asset->version + "\"";
      response.SetHeader("ETag", etag);
      response.SetHeader("Cache-Control", "public, max-age=86400");
      response.SetHeader("X-Content-Type-Options", "nosniff");
      std::optional<std::string> if_none_match = request.Header("If-None-Match");
      if (if_none_match && *if_none_match == etag) {
        response.SetStatus(304);
        return response.Send("", asset->content_type);
      }
      return response.Send(asset->content, asset->content_type);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace host::web
