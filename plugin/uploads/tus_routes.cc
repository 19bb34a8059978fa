// plugin/uploads/tus_routes.cc — tus 1.0 over HTTP: each handler reads the tus headers
// (tus_headers.h), calls one use case (use_cases.h) and answers with the tus headers. The
// same handlers serve the API and the client area; only where the client id comes from differs.
#include "plugin/uploads/tus_routes.h"

#include <string>
#include <utility>

#include "plugin/access.h"
#include "plugin/api_routes.h"
#include "plugin/journal/request_address.h"
#include "plugin/uploads/tus_headers.h"
#include "plugin/uploads/use_cases.h"
#include "text/text.h"

namespace cd {
namespace {

// Which collection a request came through, and for which client.
struct Where {
  UploadChannel channel = UploadChannel::kApi;
  int64_t client_id = 0;
  std::string collection;  // the path of the collection, for Location
};

using TusHandler = crm::Status (*)(Services& services, const Where& where, crm::Request& request,
                                   crm::Response& response);

std::string MediaType(const crm::Request& request) {
  std::string ct = request.Header("Content-Type").value_or("");
  return crm::text::ToLowerAscii(crm::text::Trim(std::string_view(ct).substr(0, ct.find(';'))));
}

bool HasBody(const crm::Request& request) {
  return request.ContentLength().value_or(0) > 0 || request.Header("Transfer-Encoding").has_value();
}

// Answers an error with the tus codes where tus has its own (460 for a wrong checksum).
crm::Status SendTusError(crm::Response& response, const crm::Status& error) {
  if (error.code() == crm::StatusCode::kUnprocessable && error.message() == kChecksumMismatch) {
    response.SetStatus(460);
    return response.SendJson(
        "{\"error\":{\"code\":\"checksum_mismatch\",\"message\":\"The bytes do not match "
        "Upload-Checksum\"}}");
  }
  return error;  // the host answers it (JSON for the API, a page or JSON for the client area)
}

void SetOffsetHeaders(crm::Response& response, const UploadStatus& status) {
  response.SetHeader("Upload-Offset", std::to_string(status.offset));
  response.SetHeader("Upload-Expires", HttpDate(status.expires_at));
}

crm::Status SendEmpty(crm::Response& response, int status) {
  response.SetStatus(status);
  return response.Send("", "");
}

crm::Result<UploadChunk> ChunkOf(crm::Request& request, uint64_t offset) {
  if (MediaType(request) != kTusContentType)
    return crm::UnsupportedType(std::string("Content-Type must be ") + kTusContentType);
  UploadChunk chunk;
  chunk.offset = offset;
  chunk.content_length = request.ContentLength();
  if (auto header = request.Header("Upload-Checksum")) {
    CRM_ASSIGN_OR_RETURN(chunk.checksum, ParseUploadChecksum(*header));
  }
  chunk.read = [&request](char* buffer, size_t size) { return request.ReadBody(buffer, size); };
  return chunk;
}

// POST: creation, and creation-with-upload when a body comes with it.
crm::Status Create(Services& sv, const Where& where, crm::Request& req, crm::Response& res) {
  if (req.Header("Upload-Defer-Length"))
    return crm::InvalidArgument("Upload-Defer-Length is not supported");
  std::optional<uint64_t> length = ParseTusNumber(req.Header("Upload-Length").value_or(""));
  if (!length) return crm::InvalidArgument("Upload-Length: required, a number of bytes");
  std::optional<UploadChunk> chunk;
  if (HasBody(req)) {
    CRM_ASSIGN_OR_RETURN(chunk, ChunkOf(req, 0));
  }
  const crm::Principal& actor = req.Caller();
  CRM_ASSIGN_OR_RETURN(UploadStatus status,
                       CreateUpload(sv, actor,
                                    {where.channel, where.client_id, *length,
                                     req.Header("Upload-Metadata").value_or("")}));
  if (chunk) {
    crm::Result<ChunkOutcome> out =
        AppendUpload(sv, actor, where.channel, where.client_id, status.id, *chunk);
    if (!out.ok()) {
      // Nothing half-made stays behind a refused first chunk (a cut one keeps its bytes).
      if (out.status().code() != crm::StatusCode::kUnavailable)
        (void)TerminateUpload(sv, actor, where.channel, where.client_id, status.id);
      return SendTusError(res, out.status());
    }
    status = out->status;
  }
  res.SetHeader("Location", where.collection + "/" + status.id);
  SetOffsetHeaders(res, status);
  return SendEmpty(res, 201);
}

// HEAD (and GET): where the upload stands.
crm::Status Head(Services& sv, const Where& where, crm::Request& req, crm::Response& res) {
  CRM_ASSIGN_OR_RETURN(UploadStatus status,
                       GetUploadStatus(sv, req.Caller(), where.channel, where.client_id,
                                       req.PathParam("upload_id").value_or("")));
  SetOffsetHeaders(res, status);
  res.SetHeader("Upload-Length", std::to_string(status.length));
  if (!status.metadata.empty() && status.metadata.size() < 8 * 1024)
    res.SetHeader("Upload-Metadata", status.metadata);
  res.SetHeader("Cache-Control", "no-store");
  return SendEmpty(res, 200);
}

// PATCH: one chunk at Upload-Offset.
crm::Status Patch(Services& sv, const Where& where, crm::Request& req, crm::Response& res) {
  std::optional<uint64_t> offset = ParseTusNumber(req.Header("Upload-Offset").value_or(""));
  if (!offset) return crm::InvalidArgument("Upload-Offset: required, a number of bytes");
  CRM_ASSIGN_OR_RETURN(UploadChunk chunk, ChunkOf(req, *offset));
  crm::Result<ChunkOutcome> out = AppendUpload(sv, req.Caller(), where.channel, where.client_id,
                                               req.PathParam("upload_id").value_or(""), chunk);
  if (!out.ok()) return SendTusError(res, out.status());
  SetOffsetHeaders(res, out->status);
  return SendEmpty(res, 204);
}

// DELETE: termination.
crm::Status Terminate(Services& sv, const Where& where, crm::Request& req, crm::Response& res) {
  CRM_RETURN_IF_ERROR(TerminateUpload(sv, req.Caller(), where.channel, where.client_id,
                                      req.PathParam("upload_id").value_or("")));
  return SendEmpty(res, 204);
}

// Where a request is: the API's client id is in the path, the client area's is the session's.
crm::Result<Where> WhereOf(UploadChannel channel, crm::Request& request) {
  Where where;
  where.channel = channel;
  if (channel == UploadChannel::kClientArea) {
    where.client_id = request.Caller().client_id;
    where.collection = kAccountUploads;
    return where;
  }
  std::optional<int64_t> id = crm::text::ParseId(request.PathParam("client_id"));
  if (!id) return crm::NotFound("no such client");
  where.client_id = *id;
  where.collection = std::string(kApiPrefix) + "/clients/" + std::to_string(*id) + "/uploads";
  return where;
}

struct TusRoute {
  const char* method;
  const char* suffix;  // after the collection's path
  uint64_t max_body;
  TusHandler handler;
};

constexpr uint64_t kChunkBodyLimit = static_cast<uint64_t>(kMaxMaxSize);

constexpr TusRoute kTusRoutes[] = {
    {"POST", "", kChunkBodyLimit, Create},
    {"GET", "/{upload_id}", 0, Head},  // the host answers HEAD with the GET route, body dropped
    {"PATCH", "/{upload_id}", kChunkBodyLimit, Patch},
    {"DELETE", "/{upload_id}", 0, Terminate},
};

crm::Status AddRoutes(crm::Registrar& registrar, Services& services, UploadChannel channel,
                      const std::string& collection, const crm::Audience& audience) {
  Services* sv = &services;
  for (const TusRoute& r : kTusRoutes) {
    crm::Route route;
    route.method = r.method;
    route.pattern = collection + r.suffix;
    route.audience = audience;
    route.max_body = r.max_body;
    TusHandler handler = r.handler;
    route.handler = [sv, handler, channel](crm::Request& req, crm::Response& res) {
      RequestAddressScope address(req.RemoteAddress());  // the journal's "from where"
      res.SetHeader("Tus-Resumable", kTusVersion);
      if (req.Header("Tus-Resumable").value_or("") != kTusVersion) {
        res.SetHeader("Tus-Version", kTusVersion);
        res.SetStatus(412);
        return res.SendJson(
            "{\"error\":{\"code\":\"precondition_failed\",\"message\":\"Tus-Resumable: "
            "1.0.0 is required\"}}");
      }
      CRM_ASSIGN_OR_RETURN(Where where, WhereOf(channel, req));
      return handler(*sv, where, req, res);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace

crm::Status RegisterTusRoutes(crm::Registrar& registrar, Services& services) {
  CRM_RETURN_IF_ERROR(AddRoutes(registrar, services, UploadChannel::kApi,
                                std::string(kApiPrefix) + "/clients/{client_id}/uploads",
                                {crm::Audience::Kind::kApiToken, "", kScopeWrite}));
  return AddRoutes(registrar, services, UploadChannel::kClientArea, kAccountUploads,
                   {crm::Audience::Kind::kClient, "", ""});
}

}  // namespace cd
