// plugin/comments/comments.cc — comments, their rules and their batched mails (comments.h).
#include "plugin/comments/comments.h"

#include <map>

#include "plugin/access.h"
#include "plugin/journal/journal.h"
#include "plugin/links/links.h"
#include "text/text.h"

namespace cd {
namespace {

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

crm::Status CheckCommenter(const crm::Principal& actor, int64_t client_id,
                           const DocumentType& type) {
  if (actor.IsClient()) {
    if (actor.client_id != client_id || !type.active) return crm::NotFound("no such document");
    return crm::Status::Ok();
  }
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  if (!actor.HasPermission(kPermWrite) || (actor.IsToken() && !actor.HasScope(kScopeWrite)))
    return crm::PermissionDenied("commenting needs documents.write");
  return crm::Status::Ok();
}

crm::Result<std::string> CheckedBody(std::string_view body) {
  std::string text(crm::text::TrimAll(body));
  if (text.empty()) return crm::Unprocessable("body: required");
  if (Utf8Length(text) > kMaxCommentChars)
    return crm::Unprocessable("body: at most " + std::to_string(kMaxCommentChars) + " characters");
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t')
      return crm::Unprocessable("body: control characters are not allowed");
  }
  return text;
}

Comment CommentFromRow(const crm::SqlRow& r) {
  return Comment{r.Int(0), r.Int(1), r.Int(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6)};
}

struct Batch {
  int64_t client_id = 0;
  std::string recipient;
};

// A PT1 link (view + comment, scope the document, 14 days) for each document the comments are
// on, minted for the client's mail (SPEC §6: comment mails carry links).
crm::Result<std::map<int64_t, std::string>> CommentLinks(Services& sv, int64_t client_id,
                                                         const std::vector<Comment>& comments) {
  std::map<int64_t, std::string> out;
  for (const Comment& c : comments) out.emplace(c.type_id, "");
  CRM_RETURN_IF_ERROR(sv.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    for (auto& [type_id, url] : out) {
      LinkRequest request;
      request.scope = "document";
      request.type_id = type_id;
      request.rights = {"view", "comment"};
      crm::Result<MintedLink> minted =
          MintLink(sv, tx, crm::Principal{}, client_id, request, "system:comment-mail");
      if (minted.ok())
        url = minted->url;  // an archived type: the mail keeps the account URL
      else if (minted.status().code() != crm::StatusCode::kNotFound)
        return minted.status();
    }
    return crm::Status::Ok();
  }));
  return out;
}

// The mail of one batch, or nullopt when nobody can receive it.
crm::Result<std::optional<crm::MailMessage>> BatchMail(Services& sv, const Batch& b,
                                                       const std::vector<Comment>& comments) {
  crm::HostServices& host = sv.host();
  CRM_ASSIGN_OR_RETURN(crm::ClientInfo client, host.FindClient(b.client_id));
  const bool to_client = b.recipient == "client";
  std::string to = client.email;
  std::string lang = client.language;
  std::string link = host.BaseUrl() + "/account/documents";
  if (!to_client) {
    CRM_ASSIGN_OR_RETURN(Settings settings, sv.settings().Get());
    to = settings.notify_email;
    lang = "en";
    link = host.BaseUrl() + "/admin/clients/" + std::to_string(b.client_id) + "/tabs/documents";
  }
  if (to.empty()) return std::optional<crm::MailMessage>();
  std::map<int64_t, std::string> links;  // the client's mail: a PT1 link per document
  if (to_client) {
    CRM_ASSIGN_OR_RETURN(links, CommentLinks(sv, b.client_id, comments));
  }
  const std::string key =
      to_client ? "client-documents.comments.mail_client" : "client-documents.comments.mail_staff";
  std::string text = host.Translate(lang, key + "_intro") + "\n\n";
  for (const Comment& c : comments) {
    crm::Result<DocumentType> type = sv.types().Get(c.type_id);
    text += "- " + (type.ok() ? type->name.Get(lang) : std::string()) + " (" + c.author_name +
            "):\n" + c.body + "\n";
    if (auto l = links.find(c.type_id); l != links.end() && !l->second.empty()) {
      text += host.Translate(lang, "client-documents.comments.mail_link") + " " + l->second + "\n";
      l->second.clear();  // once per document
    }
    text += "\n";
  }
  text += link + "\n";
  std::string subject = host.Translate(lang, key + "_subject");
  if (!to_client) subject += " " + client.DisplayName();
  return std::optional<crm::MailMessage>(crm::MailMessage{to, subject, text});
}

}  // namespace

crm::Result<Comment> AddComment(Services& services, const crm::Principal& actor, int64_t client_id,
                                int64_t type_id, std::string_view body) {
  CRM_ASSIGN_OR_RETURN(DocumentType type, services.types().Get(type_id));
  CRM_RETURN_IF_ERROR(CheckCommenter(actor, client_id, type));
  CRM_ASSIGN_OR_RETURN(crm::ClientInfo client, services.host().FindClient(client_id));
  CRM_ASSIGN_OR_RETURN(std::string text, CheckedBody(body));
  // A link session (plugin/links/grant.h) writes as the link's contact.
  const bool contact = LinkIdOf(actor) != 0;
  std::string author = actor.IsClient() ? client.DisplayName() : actor.display_name;
  if (contact && !actor.display_name.empty()) author = actor.display_name;
  Comment c{0,
            client_id,
            type_id,
            contact            ? "contact"
            : actor.IsClient() ? "client"
                               : "staff",
            author,
            text,
            services.host().NowUnix()};
  CRM_RETURN_IF_ERROR(services.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(
        auto row,
        tx.QueryOne("INSERT INTO cd_comments (client_id, type_id, author_kind,"
                    " author_name, body, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                    " RETURNING id",
                    {client_id, type_id, c.author_kind, c.author_name, c.body, c.created_at}));
    if (!row.has_value()) return crm::Internal("comment not stored");
    c.id = row->Int(0);
    CRM_RETURN_IF_ERROR(
        tx.Exec("INSERT INTO cd_comment_notices (comment_id, client_id, recipient, created_at)"
                " VALUES (?, ?, ?, ?)",
                {c.id, client_id, std::string(actor.IsClient() ? "staff" : "client"), c.created_at})
            .status());
    return Journal::Append(
        tx, c.created_at, actor,
        {"commented", client_id, DocumentObject(type_id), "comment:" + std::to_string(c.id)});
  }));
  return c;
}

crm::Result<std::vector<Comment>> ListComments(Services& services, const crm::Principal& actor,
                                               int64_t client_id, int64_t type_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_ASSIGN_OR_RETURN(DocumentType type, services.types().Get(type_id));
  if (actor.IsClient() && !type.active) return crm::NotFound("no such document");
  CRM_RETURN_IF_ERROR(services.host().FindClient(client_id).status());
  CRM_ASSIGN_OR_RETURN(
      auto rows, services.host().Db().QueryAll(
                     "SELECT id, client_id, type_id, author_kind, author_name, body, created_at"
                     " FROM cd_comments WHERE client_id = ? AND type_id = ? ORDER BY id",
                     {client_id, type_id}));
  std::vector<Comment> out;
  for (const crm::SqlRow& r : rows) out.push_back(CommentFromRow(r));
  return out;
}

crm::Result<int> SendCommentMails(Services& sv) {
  crm::Database& db = sv.host().Db();
  const int64_t quiet_since = sv.host().NowUnix() - kCommentQuietSeconds;
  CRM_ASSIGN_OR_RETURN(auto groups,
                       db.QueryAll("SELECT client_id, recipient FROM cd_comment_notices"
                                   " GROUP BY client_id, recipient HAVING MAX(created_at) <= ?",
                                   {quiet_since}));
  int sent = 0;
  for (const crm::SqlRow& g : groups) {
    Batch b{g.Int(0), g.Text(1)};
    CRM_ASSIGN_OR_RETURN(
        auto rows,
        db.QueryAll("SELECT c.id, c.client_id, c.type_id, c.author_kind, c.author_name, c.body,"
                    " c.created_at, n.id FROM cd_comment_notices n JOIN cd_comments c"
                    " ON c.id = n.comment_id WHERE n.client_id = ? AND n.recipient = ?"
                    " ORDER BY c.id",
                    {b.client_id, b.recipient}));
    std::vector<Comment> comments;
    for (const crm::SqlRow& r : rows) comments.push_back(CommentFromRow(r));
    CRM_ASSIGN_OR_RETURN(auto mail, BatchMail(sv, b, comments));
    if (mail) {
      CRM_RETURN_IF_ERROR(sv.host().SendMail(*mail));  // at least once: sent, then forgotten
      ++sent;
    }
    for (const crm::SqlRow& r : rows)
      CRM_RETURN_IF_ERROR(
          db.Exec("DELETE FROM cd_comment_notices WHERE id = ?", {r.Int(7)}).status());
  }
  return sent;
}

crm::Status DeleteClientComments(crm::SqlExecutor& tx, int64_t client_id) {
  CRM_RETURN_IF_ERROR(
      tx.Exec("DELETE FROM cd_comment_notices WHERE client_id = ?", {client_id}).status());
  return tx.Exec("DELETE FROM cd_comments WHERE client_id = ?", {client_id}).status();
}

}  // namespace cd
