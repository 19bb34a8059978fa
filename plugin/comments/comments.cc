// plugin/comments/comments.cc — comments, their rules and their batched mails (comments.h).
#include "plugin/comments/comments.h"

#include <map>

#include "plugin/access.h"
#include "plugin/journal/journal.h"
#include "plugin/links/grant.h"
#include "plugin/links/links.h"
#include "plugin/portal/use_cases.h"
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

constexpr char kCommentColumns[] =
    "c.id, c.client_id, c.type_id, c.shared_id, c.author_kind, c.author_name, c.body,"
    " c.created_at";

Comment CommentFromRow(const crm::SqlRow& r) {
  return Comment{r.Int(0), r.Int(1), r.Int(2), r.Int(3), r.Text(4), r.Text(5), r.Text(6), r.Int(7)};
}

// What a comment is about, for the journal and the mails.
std::string CommentObject(const Comment& c) {
  return c.shared_id != 0 ? "shared:" + std::to_string(c.shared_id) : DocumentObject(c.type_id);
}

// The comment, a notice for the other side and the journal's entry, in one transaction.
// A client comments as itself, a link session as its contact ("contact", the link's name).
crm::Result<Comment> StoreComment(Services& services, const crm::Principal& actor, Comment c) {
  CRM_ASSIGN_OR_RETURN(crm::ClientInfo client, services.host().FindClient(c.client_id));
  const bool contact = LinkIdOf(actor) != 0;
  c.author_kind = !actor.IsClient() ? "staff" : contact ? "contact" : "client";
  c.author_name = !actor.IsClient() || (contact && !actor.display_name.empty())
                      ? actor.display_name
                      : client.DisplayName();
  c.created_at = services.host().NowUnix();
  auto id_or_null = [](int64_t id) { return id != 0 ? crm::SqlValue(id) : crm::SqlValue(); };
  CRM_RETURN_IF_ERROR(services.host().Db().Transaction([&](crm::SqlExecutor& tx) -> crm::Status {
    CRM_ASSIGN_OR_RETURN(auto row,
                         tx.QueryOne("INSERT INTO cd_comments (client_id, type_id, shared_id,"
                                     " author_kind, author_name, body, created_at)"
                                     " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                     {c.client_id, id_or_null(c.type_id), id_or_null(c.shared_id),
                                      c.author_kind, c.author_name, c.body, c.created_at}));
    if (!row.has_value()) return crm::Internal("comment not stored");
    c.id = row->Int(0);
    CRM_RETURN_IF_ERROR(
        tx.Exec(
              "INSERT INTO cd_comment_notices (comment_id, client_id, recipient, created_at)"
              " VALUES (?, ?, ?, ?)",
              {c.id, c.client_id, std::string(actor.IsClient() ? "staff" : "client"), c.created_at})
            .status());
    return Journal::Append(
        tx, c.created_at, actor,
        {"commented", c.client_id, CommentObject(c), "comment:" + std::to_string(c.id)});
  }));
  return c;
}

crm::Result<std::vector<Comment>> QueryComments(Services& services, const std::string& where,
                                                const crm::SqlParams& params) {
  CRM_ASSIGN_OR_RETURN(auto rows, services.host().Db().QueryAll(
                                      std::string("SELECT ") + kCommentColumns +
                                          " FROM cd_comments c WHERE " + where + " ORDER BY c.id",
                                      params));
  std::vector<Comment> out;
  for (const crm::SqlRow& r : rows) out.push_back(CommentFromRow(r));
  return out;
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
  for (const Comment& c : comments)
    if (c.shared_id == 0) out.emplace(c.type_id, "");  // shared documents: the portal URL
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
  // Comments on shared documents only (PT8): the link leads to where they are.
  bool shared_only = !comments.empty();
  for (const Comment& c : comments) shared_only = shared_only && c.shared_id != 0;
  std::string link = host.BaseUrl() + (shared_only ? "/account/shared" : "/account/documents");
  if (!to_client) {
    CRM_ASSIGN_OR_RETURN(Settings settings, sv.settings().Get());
    to = settings.notify_email;
    lang = settings.firm_language;  // staff read the firm's language
    link = host.BaseUrl() + "/admin/clients/" + std::to_string(b.client_id) + "/tabs/" +
           (shared_only ? "portal" : "documents");
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
    std::string about;
    if (c.shared_id != 0) {
      auto row = sv.host().Db().QueryOne("SELECT title FROM cd_shared WHERE id = ?", {c.shared_id});
      about = row.ok() && row->has_value() ? (*row)->Text(0) : std::string();
    } else {
      crm::Result<DocumentType> type = sv.types().Get(c.type_id);
      about = type.ok() ? type->name.Get(lang) : std::string();
    }
    text += "- " + about + " (" + c.author_name + "):\n" + c.body + "\n";
    if (auto l = links.find(c.type_id);
        c.shared_id == 0 && l != links.end() && !l->second.empty()) {
      text += host.Translate(lang, "client-documents.comments.mail_link") + " " + l->second + "\n";
      l->second.clear();  // once per document
    }
    text += "\n";
  }
  text += link + "\n";
  // Branding (PT8): the client's mails are signed with the firm's name.
  crm::Result<Settings> brand = sv.settings().Get();
  if (to_client && brand.ok() && !brand->firm_name.empty())
    text += "\n-- \n" + brand->firm_name + "\n";
  std::string subject = host.Translate(lang, key + "_subject");
  if (!to_client) subject += " " + client.DisplayName();
  return std::optional<crm::MailMessage>(crm::MailMessage{to, subject, text});
}

}  // namespace

crm::Result<Comment> AddComment(Services& services, const crm::Principal& actor, int64_t client_id,
                                int64_t type_id, std::string_view body) {
  CRM_ASSIGN_OR_RETURN(DocumentType type, services.types().Get(type_id));
  CRM_RETURN_IF_ERROR(CheckCommenter(actor, client_id, type));
  CRM_RETURN_IF_ERROR(services.host().FindClient(client_id).status());
  CRM_ASSIGN_OR_RETURN(std::string text, CheckedBody(body));
  Comment c;
  c.client_id = client_id;
  c.type_id = type_id;
  c.body = std::move(text);
  return StoreComment(services, actor, std::move(c));
}

crm::Result<Comment> AddSharedComment(Services& services, const crm::Principal& actor,
                                      int64_t client_id, int64_t shared_id, std::string_view body) {
  CRM_RETURN_IF_ERROR(GetShared(services, actor, client_id, shared_id).status());
  if (!actor.IsClient() &&
      (!actor.HasPermission(kPermWrite) || (actor.IsToken() && !actor.HasScope(kScopeWrite))))
    return crm::PermissionDenied("commenting needs documents.write");
  CRM_ASSIGN_OR_RETURN(std::string text, CheckedBody(body));
  Comment c;
  c.client_id = client_id;
  c.shared_id = shared_id;
  c.body = std::move(text);
  return StoreComment(services, actor, std::move(c));
}

crm::Result<std::vector<Comment>> ListSharedComments(Services& services,
                                                     const crm::Principal& actor, int64_t client_id,
                                                     int64_t shared_id) {
  CRM_RETURN_IF_ERROR(GetShared(services, actor, client_id, shared_id).status());
  return QueryComments(services, "c.client_id = ? AND c.shared_id = ?", {client_id, shared_id});
}

crm::Result<std::vector<Comment>> ListComments(Services& services, const crm::Principal& actor,
                                               int64_t client_id, int64_t type_id) {
  CRM_RETURN_IF_ERROR(CheckRead(actor, client_id));
  CRM_ASSIGN_OR_RETURN(DocumentType type, services.types().Get(type_id));
  if (actor.IsClient() && !type.active) return crm::NotFound("no such document");
  CRM_RETURN_IF_ERROR(services.host().FindClient(client_id).status());
  return QueryComments(services, "c.client_id = ? AND c.type_id = ?", {client_id, type_id});
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
        db.QueryAll(std::string("SELECT ") + kCommentColumns +
                        ", n.id FROM cd_comment_notices n JOIN cd_comments c"
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
          db.Exec("DELETE FROM cd_comment_notices WHERE id = ?", {r.Int(8)}).status());
  }
  return sent;
}

crm::Status DeleteClientComments(crm::SqlExecutor& tx, int64_t client_id) {
  CRM_RETURN_IF_ERROR(
      tx.Exec("DELETE FROM cd_comment_notices WHERE client_id = ?", {client_id}).status());
  return tx.Exec("DELETE FROM cd_comments WHERE client_id = ?", {client_id}).status();
}

}  // namespace cd
