// plugin/documents/use_cases.cc — the document use cases of use_cases.h: each checks every
// rule in a fixed order (type, access, client, then the request itself) and calls the
// DocumentService, which stores the result and writes the timeline.
#include "plugin/documents/use_cases.h"

#include <utility>

#include "plugin/access.h"
#include "text/text.h"

namespace cd {
namespace {

// The client must exist; another client or an unknown one is kNotFound.
crm::Status CheckClientExists(Services& services, int64_t client_id) {
  return services.host().FindClient(client_id).status();
}

// The type must exist (kNotFound), and `actor` may change its documents of `client_id`.
crm::Result<DocumentType> WritableType(Services& services, const crm::Principal& actor,
                                       int64_t client_id, int64_t type_id) {
  CRM_ASSIGN_OR_RETURN(DocumentType type, services.types().Get(type_id));
  CRM_RETURN_IF_ERROR(CheckWrite(actor, client_id, type));
  CRM_RETURN_IF_ERROR(CheckClientExists(services, client_id));
  return type;
}

// A file reply that is inline only for kinds a browser shows without running anything.
crm::Result<crm::ObjectReply> WithInline(crm::Result<crm::ObjectReply> reply, bool want_inline) {
  if (reply.ok()) reply->inline_view = want_inline && SafeToViewInline(reply->mime);
  return reply;
}

// Journals a served file ("viewed" inline, "downloaded" otherwise). The reply is refused
// when the entry cannot be written: an untraced read would defeat the journal (PT4).
crm::Result<crm::ObjectReply> Journaled(Services& services, const crm::Principal& actor,
                                        int64_t client_id, std::string object,
                                        crm::Result<crm::ObjectReply> reply) {
  if (!reply.ok()) return reply;
  CRM_RETURN_IF_ERROR(
      services.journal().Append(actor, {reply->inline_view ? "viewed" : "downloaded", client_id,
                                        std::move(object), "sha256=" + reply->etag}));
  return reply;
}

}  // namespace

uint64_t UploadBodyLimit(const DocumentType& type) {
  return static_cast<uint64_t>(type.max_size) * type.max_files + kUploadFieldRoom;
}

UploadRequest UploadRequestOf(crm::Request& request, int64_t client_id, int64_t type_id) {
  UploadRequest out;
  out.client_id = client_id;
  out.type_id = type_id;
  out.content_type = request.Header("Content-Type").value_or("");
  out.content_length = request.ContentLength();
  out.read = [&request](char* buffer, size_t size) { return request.ReadBody(buffer, size); };
  return out;
}

namespace {

// An upload's refusals that come before a byte of the body is read: the type (and the
// caller's right to write it), a multipart body, a declared length within the type's limit.
crm::Result<DocumentType> CheckUploadRequest(Services& services, const crm::Principal& actor,
                                             const UploadRequest& request) {
  CRM_ASSIGN_OR_RETURN(DocumentType type,
                       WritableType(services, actor, request.client_id, request.type_id));
  if (MediaTypeOf(request.content_type) != "multipart/form-data")
    return crm::UnsupportedType("Content-Type must be multipart/form-data");
  if (request.content_length && *request.content_length > UploadBodyLimit(type))
    return crm::TooLarge("body larger than this document type allows");
  return type;
}

}  // namespace

crm::Result<UploadOutcome> UploadDocument(Services& services, const crm::Principal& actor,
                                          const UploadRequest& request) {
  // Every refusal comes before a byte of the body is read.
  CRM_ASSIGN_OR_RETURN(DocumentType type, CheckUploadRequest(services, actor, request));
  CRM_ASSIGN_OR_RETURN(UploadInput input, ReceiveMultipart(request.content_type, request.read, type,
                                                           services.files()));
  CRM_ASSIGN_OR_RETURN(bool existed,
                       services.documents().HasDocument(request.client_id, request.type_id));
  CRM_ASSIGN_OR_RETURN(
      ClientDocument doc,
      services.documents().Upload(actor, request.client_id, request.type_id, std::move(input)));
  return UploadOutcome{std::move(doc), !existed};
}

crm::Result<ClientDocument> AddDocumentFiles(Services& services, const crm::Principal& actor,
                                             const UploadRequest& request) {
  CRM_ASSIGN_OR_RETURN(DocumentType type, CheckUploadRequest(services, actor, request));
  CRM_ASSIGN_OR_RETURN(bool existed,
                       services.documents().HasDocument(request.client_id, request.type_id));
  if (!existed) return crm::NotFound("no document to add files to");
  CRM_ASSIGN_OR_RETURN(UploadInput input, ReceiveMultipart(request.content_type, request.read, type,
                                                           services.files()));
  return services.documents().AddFiles(actor, request.client_id, request.type_id, std::move(input));
}

crm::Status DeleteDocument(Services& services, const crm::Principal& actor, int64_t client_id,
                           int64_t type_id) {
  CRM_RETURN_IF_ERROR(WritableType(services, actor, client_id, type_id).status());
  return services.documents().Delete(actor, client_id, type_id);
}

crm::Result<ClientDocument> EditDocumentFields(Services& services, const crm::Principal& actor,
                                               int64_t client_id, int64_t type_id,
                                               const std::map<std::string, std::string>& fields) {
  CRM_RETURN_IF_ERROR(WritableType(services, actor, client_id, type_id).status());
  return services.documents().UpdateFields(actor, client_id, type_id, fields);
}

crm::Result<std::vector<ClientDocument>> ListDocuments(Services& services,
                                                       const crm::Principal& actor,
                                                       int64_t client_id) {
  return services.documents().List(actor, client_id);
}

crm::Result<ClientDocument> GetDocument(Services& services, const crm::Principal& actor,
                                        int64_t client_id, int64_t type_id) {
  return services.documents().Get(actor, client_id, type_id);
}

crm::Result<std::vector<ArchivedVersion>> ListDocumentVersions(Services& services,
                                                               const crm::Principal& actor,
                                                               int64_t client_id, int64_t type_id) {
  return services.documents().ListArchive(actor, client_id, type_id);
}

crm::Result<crm::ObjectReply> DownloadFile(Services& services, const crm::Principal& actor,
                                           int64_t client_id, int64_t type_id,
                                           std::optional<int64_t> file_id, bool want_inline) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_RETURN_IF_ERROR(CheckClientExists(services, client_id));
  return Journaled(
      services, actor, client_id, DocumentObject(type_id),
      WithInline(services.documents().OpenFile(actor, client_id, type_id, file_id), want_inline));
}

crm::Result<crm::ObjectReply> DownloadArchivedFile(Services& services, const crm::Principal& actor,
                                                   int64_t client_id, int64_t file_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_RETURN_IF_ERROR(CheckClientExists(services, client_id));
  return Journaled(
      services, actor, client_id, "archived_file:" + std::to_string(file_id),
      WithInline(services.documents().OpenArchivedFile(actor, client_id, file_id), false));
}

crm::Result<crm::ObjectReply> DownloadThumbnail(Services& services, const crm::Principal& actor,
                                                int64_t client_id, int64_t file_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_RETURN_IF_ERROR(CheckClientExists(services, client_id));
  crm::Result<crm::ObjectReply> reply =
      services.documents().OpenThumbnail(actor, client_id, file_id);
  if (reply.ok()) reply->inline_view = true;  // always a JPEG made by the module
  return reply;
}

}  // namespace cd
