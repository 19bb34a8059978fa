// plugin/portal/link_use_cases.cc — a link session's actions on shared documents
// (link_use_cases.h): scope, then right, then the portal's use case.
#include "plugin/portal/link_use_cases.h"

#include <set>

namespace cd {
namespace {

// The shared document if the link's scope covers it; kNotFound otherwise (another client's,
// another project's, or any for a document-scoped link).
crm::Result<SharedDocument> InScope(Services& sv, const LinkSession& s, int64_t shared_id) {
  crm::Result<SharedDocument> doc = GetShared(sv, s.principal, s.grant.client_id, shared_id);
  if (!doc.ok()) {
    if (doc.status().code() == crm::StatusCode::kPermissionDenied)
      return crm::NotFound("no such shared document");
    return doc.status();
  }
  if (!SharedVisibleTo(s.grant, *doc)) return crm::NotFound("no such shared document");
  return doc;
}

crm::Status NeedRight(const LinkSession& s, std::string_view right) {
  if (!s.grant.Has(right))
    return crm::PermissionDenied("this link does not allow " + std::string(right));
  return crm::Status::Ok();
}

// Seeing a file: "view", or "download" (which implies it).
crm::Status NeedViewRight(const LinkSession& s) {
  return s.grant.Has("download") ? crm::Status::Ok() : NeedRight(s, "view");
}

}  // namespace

crm::Result<LinkSharedView> LinkShared(Services& sv, const LinkSession& s) {
  LinkSharedView view;
  if (s.grant.scope == "document") return view;
  CRM_ASSIGN_OR_RETURN(std::vector<SharedDocument> all,
                       ListShared(sv, s.principal, s.grant.client_id, std::nullopt));
  std::set<int64_t> projects;
  for (SharedDocument& d : all) {
    if (!SharedVisibleTo(s.grant, d)) continue;
    projects.insert(d.project_id);
    view.documents.push_back(std::move(d));
  }
  CRM_ASSIGN_OR_RETURN(std::vector<Project> list, ListProjects(sv, s.principal, s.grant.client_id));
  for (Project& p : list)
    if (projects.count(p.id) != 0) view.projects.push_back(std::move(p));
  return view;
}

crm::Result<SharedDocument> LinkDecide(Services& sv, const LinkSession& s, int64_t shared_id,
                                       const std::string& decision, const std::string& reason) {
  CRM_RETURN_IF_ERROR(InScope(sv, s, shared_id).status());
  CRM_RETURN_IF_ERROR(NeedRight(s, "decide"));
  return DecideShared(sv, s.principal, s.grant.client_id, shared_id, decision, reason);
}

crm::Result<Comment> LinkSharedComment(Services& sv, const LinkSession& s, int64_t shared_id,
                                       std::string_view body) {
  CRM_RETURN_IF_ERROR(InScope(sv, s, shared_id).status());
  CRM_RETURN_IF_ERROR(NeedRight(s, "comment"));
  return AddSharedComment(sv, s.principal, s.grant.client_id, shared_id, body);
}

crm::Result<SharedDocument> LinkSupportingFile(Services& sv, const LinkSession& s,
                                               crm::Request& request, int64_t shared_id) {
  CRM_RETURN_IF_ERROR(InScope(sv, s, shared_id).status());
  CRM_RETURN_IF_ERROR(NeedRight(s, "upload"));
  return AddSupportingFile(sv, s.principal, SharedUploadOf(request, s.grant.client_id, shared_id));
}

crm::Result<crm::ObjectReply> LinkDownloadSharedFile(Services& sv, const LinkSession& s,
                                                     int64_t shared_id, int64_t file_id) {
  CRM_RETURN_IF_ERROR(InScope(sv, s, shared_id).status());
  CRM_RETURN_IF_ERROR(NeedRight(s, "download"));
  return DownloadSharedFile(sv, s.principal, s.grant.client_id, shared_id, file_id, false);
}

crm::Result<SharedFileView> LinkViewSharedFile(Services& sv, const LinkSession& s,
                                               int64_t shared_id, int64_t file_id) {
  CRM_RETURN_IF_ERROR(InScope(sv, s, shared_id).status());
  CRM_RETURN_IF_ERROR(NeedViewRight(s));
  return ViewSharedFile(sv, s.principal, s.grant.client_id, shared_id, file_id);
}

crm::Result<PagePicture> LinkSharedFilePage(Services& sv, const LinkSession& s, int64_t shared_id,
                                            int64_t file_id, int page) {
  CRM_RETURN_IF_ERROR(InScope(sv, s, shared_id).status());
  CRM_RETURN_IF_ERROR(NeedViewRight(s));
  return SharedFilePage(sv, s.principal, s.grant.client_id, shared_id, file_id, page);
}

}  // namespace cd
