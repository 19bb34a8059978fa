// sample-host/web/custom_action_pages.cc — adapters of custom_action_pages.h over TimelineStore and
// CustomActions. Every file of the form is checked (size, sniffed type) before anything is stored,
// so a refusal keeps nothing; refusals are error pages in the reader's language with the upload
// rules' statuses (415, 413, 422).
#include "sample-host/web/custom_action_pages.h"

#include "sample-host/app/avatar_api.h"  // ReadSmallBody, MultipartParts
#include "sample-host/app/avatars.h"     // SniffMediaType
#include "sample-host/web/html.h"
#include "sample-host/web/page_routes.h"
#include "sample-host/web/page_support.h"
#include "text/text.h"

namespace host::web {
namespace {

constexpr int kMaxFilesPerAction = 10;
// Room for the fields and the framing around the files (each at most kMaxAttachmentBytes).
constexpr uint64_t kMaxFormBody = 2 * kMaxAttachmentBytes + 256 * 1024;

struct Form {
  std::string type, title, note_html, note;
  std::vector<MultipartPart> files;  // the parts of "files" that carry bytes
};

// The refusal with its status, and a message in the reader's language.
crm::Status Translated(const CustomActionPageDeps& d, const crm::Request& rq,
                       const crm::Status& s) {
  const char* key = nullptr;
  switch (s.code()) {
    case crm::StatusCode::kUnsupportedType:
      key = "actions.bad_type";
      break;
    case crm::StatusCode::kTooLarge:
      key = "actions.too_large";
      break;
    case crm::StatusCode::kInvalidArgument:
    case crm::StatusCode::kUnprocessable:
      key = "actions.invalid";
      break;
    default:
      return s;
  }
  return crm::Status(s.code(), PageContext(d.registry, rq).texts().Get(key));
}

crm::Result<Form> ReadForm(crm::Request& rq) {
  CRM_ASSIGN_OR_RETURN(std::string body, ReadSmallBody(rq, kMaxFormBody));
  auto parts = MultipartParts(rq.Header("Content-Type").value_or(""), body);
  if (!parts) return crm::InvalidArgument("the form must be sent as multipart/form-data");
  Form form;
  for (MultipartPart& part : *parts) {
    if (part.name == "type") form.type = part.content;
    if (part.name == "title") form.title = part.content;
    if (part.name == "note_html") form.note_html = part.content;
    if (part.name == "note") form.note = part.content;
    if (part.name == "files" && !part.content.empty()) form.files.push_back(std::move(part));
  }
  if (form.files.size() > kMaxFilesPerAction)
    return crm::InvalidArgument("at most 10 files per action");
  // Every file is checked before the action is stored: a refusal keeps nothing.
  for (const MultipartPart& file : form.files) {
    if (file.content.size() > kMaxAttachmentBytes) return crm::TooLarge("a file is over 20 MiB");
    if (!AllowedAttachmentType(SniffMediaType(file.content)))
      return crm::UnsupportedType("a file's type is not allowed");
  }
  return form;
}

crm::Result<int64_t> ClientIdOf(const CustomActionPageDeps& d, const crm::Request& rq) {
  std::optional<int64_t> id = crm::text::ParseId(rq.PathParam("id"));
  if (!id) return crm::NotFound("no such client");
  CRM_RETURN_IF_ERROR(d.clients.Get(*id).status());
  return *id;
}

crm::Status AddAction(const CustomActionPageDeps& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(int64_t client_id, ClientIdOf(d, rq));
  crm::Result<Form> form = ReadForm(rq);
  if (!form.ok()) return Translated(d, rq, form.status());
  const crm::Principal& viewer = rq.Caller();
  std::string note = form->note_html.empty() ? PlainNoteHtml(form->note) : form->note_html;
  crm::Result<int64_t> entry = d.timeline.AddAction(
      client_id, form->type, form->title, note,
      "admin:" + (viewer.display_name.empty() ? viewer.email : viewer.display_name));
  if (!entry.ok()) return Translated(d, rq, entry.status());
  for (const MultipartPart& file : form->files) {
    crm::Result<Attachment> attached =
        d.actions.Attach(client_id, *entry, file.filename, file.content);
    if (!attached.ok()) {
      (void)d.actions.Delete(client_id, *entry);  // all or nothing
      return Translated(d, rq, attached.status());
    }
  }
  return rs.Redirect("/admin/clients/" + std::to_string(client_id) +
                     "?notice=action_added#timeline");
}

crm::Status Download(const CustomActionPageDeps& d, crm::Request& rq, crm::Response& rs) {
  std::optional<int64_t> client = crm::text::ParseId(rq.PathParam("id"));
  std::optional<int64_t> entry = crm::text::ParseId(rq.PathParam("entry_id"));
  std::optional<int64_t> att = crm::text::ParseId(rq.PathParam("att_id"));
  if (!client || !entry || !att) return crm::NotFound("no such attachment");
  CRM_ASSIGN_OR_RETURN(Attachment a, d.actions.Find(*client, *entry, *att));
  return rs.SendObject(d.actions.Download(a));
}

crm::Status Remove(const CustomActionPageDeps& d, crm::Request& rq, crm::Response& rs) {
  CRM_ASSIGN_OR_RETURN(int64_t client_id, ClientIdOf(d, rq));
  std::optional<int64_t> entry = crm::text::ParseId(rq.PathParam("entry_id"));
  if (!entry) return crm::NotFound("no such history entry");
  CRM_RETURN_IF_ERROR(d.actions.Delete(client_id, *entry));
  return rs.Redirect("/admin/clients/" + std::to_string(client_id) +
                     "?notice=action_deleted#timeline");
}

}  // namespace

std::string PlainNoteHtml(std::string_view text) {
  std::string trimmed(crm::text::TrimAll(text));
  if (trimmed.empty()) return "";
  std::string html = "<p>";
  for (char ch : EscapeHtml(trimmed)) {
    if (ch == '\r') continue;
    html += ch == '\n' ? std::string("<br>") : std::string(1, ch);
  }
  return html + "</p>";
}

crm::Status RegisterCustomActionPages(crm::Registrar& registrar, const CustomActionPageDeps& deps) {
  struct Entry {
    const char* method;
    const char* pattern;
    const char* permission;
    crm::Status (*handler)(const CustomActionPageDeps&, crm::Request&, crm::Response&);
  };
  static constexpr Entry kEntries[] = {
      {"POST", "/admin/clients/{id}/actions", "clients.write", AddAction},
      {"GET", "/admin/clients/{id}/timeline/{entry_id}/attachments/{att_id}", "clients.read",
       Download},
      {"POST", "/admin/clients/{id}/timeline/{entry_id}/delete", "clients.write", Remove},
  };
  for (const Entry& e : kEntries) {
    crm::Route route;
    route.method = e.method;
    route.pattern = e.pattern;
    route.audience = AdminAudience(e.permission);
    route.max_body = kMaxFormBody;
    route.handler = [deps, &e](crm::Request& rq, crm::Response& rs) {
      return e.handler(deps, rq, rs);
    };
    CRM_RETURN_IF_ERROR(registrar.AddRoute(std::move(route)));
  }
  return crm::Status::Ok();
}

}  // namespace host::web
