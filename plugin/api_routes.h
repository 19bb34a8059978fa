// plugin/api_routes.h — the module's HTTP API (CD10, SPEC §5) under
// /api/v1/plugins/client-documents/, registered by the entry in hooks/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "host-api/http.h"
#include "host-api/registrar.h"
#include "host-api/status.h"
#include "plugin/comments/comments.h"
#include "plugin/services.h"

namespace cd {

inline constexpr char kApiPrefix[] = "/api/v1/plugins/client-documents";

// Adds every API route (audience kApiToken with the scopes of access.h, plus the public
// openapi.json). `services` must outlive the routes (it does: process lifetime).
crm::Status RegisterApiRoutes(crm::Registrar& registrar, Services& services);

// The adapters' shared pieces (the portal's routes use them too):
// a path id, a positive decimal number, anything else kNotFound;
crm::Result<int64_t> IdParam(const crm::Request& request, std::string_view name);
// the language of texts in answers: `?lang=`, then the request's Accept-Language, then the
// caller's (for a token the host gives its admin's stored language), then English;
std::string Language(const crm::Request& request);
// a JSON body (at most 1 MiB): 415 for another Content-Type, 400 for bad JSON;
crm::Result<boost::json::value> ReadJson(crm::Request& request);
crm::Status SendJson(crm::Response& response, int status, const boost::json::value& v);
crm::Status SendNoContent(crm::Response& response);
// a comment (SPEC §6): {"id", "author": {"kind", "name"}, "body", "created_at"}.
boost::json::object CommentToJson(const Comment& comment);
// {"items": [comments]} with 200;
crm::Status SendComments(crm::Response& response, const std::vector<Comment>& comments);
// the "body" string of a JSON comment request (422 without one).
crm::Result<std::string> CommentBodyOf(crm::Request& request);

// The OpenAPI 3 document (plugin/openapi.json, embedded).
const std::string& OpenApiJson();

}  // namespace cd
