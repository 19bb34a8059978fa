// plugin/access.cc — the access rules of access.h. Every service method calls these first,
// so the admin pages, the client area and the API cannot disagree.
#include "plugin/access.h"

#include "plugin/links/grant.h"

namespace cd {
namespace {

crm::Status StaffOrToken(const crm::Principal& actor, const char* permission, const char* scope) {
  switch (actor.kind) {
    case crm::Principal::Kind::kAnonymous:
      return crm::Unauthenticated("login required");
    case crm::Principal::Kind::kAdmin:
      if (actor.HasPermission(permission)) return crm::Status::Ok();
      return crm::PermissionDenied(std::string("permission ") + permission + " required");
    case crm::Principal::Kind::kApiToken:
      // A token does no more than its owner may do on the pages today: the scope it was
      // given AND the permission the pages need (the host gives the owner's current ones).
      if (!actor.HasScope(scope))
        return crm::PermissionDenied(std::string("scope ") + scope + " required");
      if (!actor.HasPermission(permission))
        return crm::PermissionDenied(std::string("the token's owner lacks permission ") +
                                     permission);
      return crm::Status::Ok();
    case crm::Principal::Kind::kClient:
      return crm::PermissionDenied("not allowed for clients");
  }
  return crm::PermissionDenied("not allowed");
}

}  // namespace

crm::Status CheckRead(const crm::Principal& actor, int64_t client_id) {
  if (actor.IsClient()) {
    // Another client's documents answer as if they did not exist.
    if (actor.client_id != client_id || client_id <= 0) return crm::NotFound("no such document");
    return crm::Status::Ok();
  }
  return StaffOrToken(actor, kPermRead, kScopeRead);
}

crm::Status CheckWrite(const crm::Principal& actor, int64_t client_id, const DocumentType& type) {
  if (actor.IsClient()) {
    if (actor.client_id != client_id || client_id <= 0) return crm::NotFound("no such document");
    if (type.upload_mode == UploadMode::kAdminOnly)
      return crm::PermissionDenied("only staff may change this document");
    if (!type.active) return crm::PermissionDenied("this document type is archived");
    return crm::Status::Ok();
  }
  return StaffOrToken(actor, kPermWrite, kScopeWrite);
}

crm::Status CheckSettings(const crm::Principal& actor) {
  return StaffOrToken(actor, kPermSettings, kScopeSettings);
}

crm::Status CheckReadTypes(const crm::Principal& actor) {
  switch (actor.kind) {
    case crm::Principal::Kind::kAnonymous:
      return crm::Unauthenticated("login required");
    case crm::Principal::Kind::kAdmin:
    case crm::Principal::Kind::kClient:
      return crm::Status::Ok();
    case crm::Principal::Kind::kApiToken:
      if (actor.HasScope(kScopeRead) || actor.HasScope(kScopeSettings) ||
          actor.HasScope(kScopeWrite))
        return crm::Status::Ok();
      return crm::PermissionDenied(std::string("scope ") + kScopeRead + " required");
  }
  return crm::PermissionDenied("not allowed");
}

std::string ActorLabel(const crm::Principal& actor) {
  switch (actor.kind) {
    case crm::Principal::Kind::kAdmin:
      return "admin:" + (actor.display_name.empty() ? actor.email : actor.display_name);
    case crm::Principal::Kind::kClient:
      if (int64_t link = LinkIdOf(actor)) return "link:" + std::to_string(link);
      return "client";
    case crm::Principal::Kind::kApiToken:
      return "api:token of " +
             (actor.email.empty() ? "user " + std::to_string(actor.user_id) : actor.email);
    case crm::Principal::Kind::kAnonymous:
      return "anonymous";
  }
  return "unknown";
}

}  // namespace cd
