// hooks/shared_view.cc — the shared documents' common HTML (shared_view.h).
#include "hooks/shared_view.h"

#include <map>

#include "hooks/view.h"
#include "plugin/comments/comments.h"
#include "text/money.h"

namespace cd::hooks {
namespace {

using crm::text::EscapeHtml;
constexpr const char* kCategories[] = {"quote", "order", "invoice", "report", "other"};

std::string ClientActions(Context& ctx, const crm::Principal& who, const SharedDocument& d,
                          const SharedActions& a) {
  const std::string& lang = who.language;
  const auto T = [&](const std::string& key) { return PortalText(ctx, lang, key); };
  const std::string base = a.base + "/" + std::to_string(d.id);
  std::string html;
  if (a.decide && d.decision_required && d.decision_value.empty() && d.status != "expired") {
    html += PostForm(base + "/decision", a.csrf,
                     "<label class=\"cd-field\"><span>" + T("reason") +
                         "</span><textarea name=\"reason\" rows=\"2\" maxlength=\"2000\">"
                         "</textarea></label><button class=\"cd-button\" name=\"decision\" "
                         "value=\"approve\">" +
                         T("approve") +
                         "</button> <button class=\"cd-button cd-button-secondary\" "
                         "name=\"decision\" value=\"refuse\">" +
                         T("refuse") + "</button>");
  }
  if (a.upload)
    html += PostForm(base + "/files", a.csrf,
                     "<label class=\"cd-field\"><span>" + T("supporting_file") +
                         "</span><input type=\"file\" name=\"file\" required></label><button "
                         "class=\"cd-button cd-button-secondary\">" +
                         T("send") + "</button>",
                     true);
  if (!a.comments && !a.comment) return html;
  html += "<section class=\"cd-comments\"><h4>" + T("comments") + "</h4>";
  if (a.comments) html += SharedCommentsHtml(ctx, who, d);
  if (a.comment)
    html += PostForm(base + "/comments", a.csrf,
                     "<label class=\"cd-field\"><span>" + T("comment_add") +
                         "</span><textarea name=\"body\" required maxlength=\"5000\" rows=\"2\">"
                         "</textarea></label><button class=\"cd-button cd-button-secondary\">" +
                         T("send") + "</button>");
  return html + "</section>";
}

// One project's documents, categories grouped.
std::string ProjectSection(Context& ctx, const crm::Principal& who, const std::string& name,
                           const std::vector<const SharedDocument*>& docs, const SharedActions& a) {
  const std::string& lang = who.language;
  std::string html = "<section class=\"cd-project\"><h2>" + EscapeHtml(name) + "</h2>";
  for (const char* cat : kCategories) {
    std::string items;
    for (const SharedDocument* d : docs) {
      if (d->category != cat) continue;
      items += "<li class=\"cd-document\" id=\"cd-shared-" + std::to_string(d->id) +
               "\"><div class=\"cd-document-head\"><h3 class=\"cd-document-name\">" +
               EscapeHtml(d->title) + "</h3>" + SharedFacts(ctx, lang, *d) + "</div>" +
               SharedFileLinks(ctx, lang, *d, a) + ClientActions(ctx, who, *d, a) + "</li>";
    }
    if (!items.empty())
      html += "<h3 class=\"cd-category\">" + PortalText(ctx, lang, std::string("category_") + cat) +
              "</h3><ul class=\"cd-documents\">" + items + "</ul>";
  }
  return html + "</section>";
}

}  // namespace

std::string PortalText(const Context& ctx, std::string_view lang, const std::string& key) {
  return EscapeHtml(ctx.texts.Get(lang, "portal." + key));
}

std::string Branding(Context& ctx) {
  crm::Result<Settings> s = ctx.services.settings().Get();
  if (!s.ok() || (s->firm_name.empty() && s->firm_logo.empty())) return "";
  std::string html = "<div class=\"cd-brand\">";
  if (!s->firm_logo.empty())
    html += "<img class=\"cd-brand-logo\" src=\"" + EscapeHtml(s->firm_logo) + "\" alt=\"" +
            EscapeHtml(s->firm_name) + "\">";
  if (!s->firm_name.empty())
    html += "<strong class=\"cd-brand-name\">" + EscapeHtml(s->firm_name) + "</strong>";
  return html + "</div>";
}

std::string SharedFacts(const Context& ctx, std::string_view lang, const SharedDocument& d) {
  const auto T = [&](const std::string& key) { return PortalText(ctx, lang, key); };
  std::string html = "<span class=\"cd-state cd-state-" + d.status + "\" data-cd-status=\"" +
                     d.status + "\">" + T("status_" + d.status) + "</span>";
  if (!d.due_on.empty())
    html += " <span class=\"cd-due\">" + T("due_on") + " " +
            EscapeHtml(FormatIsoDate(lang, d.due_on)) + "</span>";
  if (d.amount_due_cents)
    html += " <span class=\"cd-amount\">" + T("amount_due") + " " +
            EscapeHtml(crm::text::FormatMoney(*d.amount_due_cents, lang)) + "</span>";
  if (d.still_due_cents && *d.still_due_cents > 0)
    html += " <span class=\"cd-amount-left\">" + T("still_due") + " " +
            EscapeHtml(crm::text::FormatMoney(*d.still_due_cents, lang)) + "</span>";
  if (!d.decision_value.empty()) {
    html += "<p class=\"cd-decision\">" + T("decision_" + d.decision_value) + " — " +
            EscapeHtml(d.decision_by) + ", " +
            EscapeHtml(FormatDateTime(ctx.host, lang, d.decision_at));
    if (!d.decision_reason.empty()) html += "<br>" + EscapeHtml(d.decision_reason);
    html += "</p>";
  }
  return html;
}

std::string SharedFileLinks(const Context& ctx, std::string_view lang, const SharedDocument& d,
                            const SharedActions& a) {
  if (!a.view && !a.download) return "";
  std::string html = "<ul class=\"cd-files\">";
  for (const SharedFile& f : d.files) {
    const std::string doc = a.base + "/" + std::to_string(d.id);
    const std::string file = std::to_string(f.id);
    const std::string url = doc + "/files/" + file;
    const std::string view_url = a.view_route ? doc + "/view/" + file : url + "?inline=1";
    // The view page opens in place (its own way back); a raw inline file in a new tab.
    const std::string target = a.view_route ? "" : " target=\"_blank\" rel=\"noopener noreferrer\"";
    html += "<li class=\"cd-file\"><span class=\"cd-file-name\">" + EscapeHtml(f.name) +
            "</span> <span class=\"cd-file-meta\">" + EscapeHtml(FormatSize(lang, f.size)) +
            (f.added_by_kind != "staff" ? ", " + PortalText(ctx, lang, "from_client") : "") +
            "</span> <a class=\"cd-link\" href=\"" + EscapeHtml(view_url) + "\"" + target +
            " data-cd-view>" + PortalText(ctx, lang, "view") + "</a>";
    if (a.download)
      html += " <a class=\"cd-link\" href=\"" + EscapeHtml(url) + "\" data-cd-download>" +
              PortalText(ctx, lang, "download") + "</a>";
    html += "</li>";
  }
  return html + "</ul>";
}

std::string SharedCommentsHtml(Context& ctx, const crm::Principal& who, const SharedDocument& d) {
  crm::Result<std::vector<Comment>> list = ListSharedComments(ctx.services, who, d.client_id, d.id);
  std::string html = "<ul class=\"cd-comment-list\">";
  if (list.ok()) {
    for (const Comment& c : *list)
      html += "<li class=\"cd-comment\"><p class=\"cd-comment-meta\">" + EscapeHtml(c.author_name) +
              " · " + EscapeHtml(FormatDateTime(ctx.host, who.language, c.created_at)) +
              "</p><p class=\"cd-comment-body\">" + EscapeHtml(c.body) + "</p></li>";
  }
  return html + "</ul>";
}

std::string PostForm(const std::string& action, const std::string& csrf, const std::string& inner,
                     bool multipart) {
  // The token is the form's first field, never in the URL (15.14): the host reads it from the
  // first part of a multipart body before the handler stores anything.
  return "<form method=\"post\" action=\"" + EscapeHtml(action) + "\"" +
         (multipart ? " enctype=\"multipart/form-data\"" : "") + ">" + CsrfField(csrf) + inner +
         "</form>";
}

std::string SharedSections(Context& ctx, const crm::Principal& who,
                           const std::vector<Project>& projects,
                           const std::vector<SharedDocument>& shared, const SharedActions& a) {
  std::map<int64_t, std::vector<const SharedDocument*>> by_project;
  for (const SharedDocument& d : shared) by_project[d.project_id].push_back(&d);
  std::string html;
  for (const Project& p : projects)
    if (by_project.count(p.id))
      html +=
          ProjectSection(ctx, who, p.name + (p.reference.empty() ? "" : " (" + p.reference + ")"),
                         by_project[p.id], a);
  if (by_project.count(0))
    html += ProjectSection(ctx, who, ctx.texts.Get(who.language, "portal.no_project"),
                           by_project[0], a);
  return html;
}

std::string SharedNotice(const Context& ctx, std::string_view lang, const crm::Request& req) {
  std::string flash = req.Query("flash").value_or("");
  if (flash == "decided" || flash == "commented" || flash == "uploaded" || flash == "project" ||
      flash == "shared" || flash == "paid" || flash == "deleted")
    return "<p class=\"cd-notice cd-notice-ok\" role=\"status\">" +
           PortalText(ctx, lang, "flash_" + flash) + "</p>";
  if (req.Query("error"))
    return "<p class=\"cd-notice cd-notice-error\" role=\"alert\">" +
           PortalText(
               ctx, lang,
               "error_" + std::string(req.Query("error")->rfind("conflict", 0) == 0 ? "conflict"
                                                                                    : "other")) +
           "</p>";
  return "";
}

std::string SharedErrorText(const Context& ctx, std::string_view lang, const crm::Status& error) {
  if (error.code() == crm::StatusCode::kConflict)
    return ctx.texts.Get(lang, "portal.error_conflict");
  if (error.code() == crm::StatusCode::kUnprocessable && error.message().rfind("reason:", 0) == 0)
    return ctx.texts.Get(lang, "portal.error_reason");
  return ErrorText(ctx, lang, error, nullptr);
}

// ---- "View only" -------------------------------------------------------------------------

namespace {

// The pictures of the file: one <img> per page shown (lazy, so a long PDF renders as it is
// read), then how many pages are left out.
std::string Pictures(const Context& ctx, std::string_view lang, const FilePage& page,
                     const FileViewLinks& links) {
  const FileShown& shown = page.shown;
  std::string html =
      "<div class=\"cd-view-pages\" data-cd-pages=\"" + std::to_string(shown.shown) + "\">";
  for (int n = 1; n <= shown.shown; ++n) {
    const std::string alt =
        shown.kind == ViewKind::kImage
            ? page.file_name
            : ctx.texts.Format(lang, "portal.page_of",
                               {{"n", std::to_string(n)}, {"total", std::to_string(shown.pages)}});
    html += "<img class=\"cd-view-page\" src=\"" +
            EscapeHtml(links.pages + "/" + std::to_string(n)) + "\" alt=\"" + EscapeHtml(alt) +
            "\"" + (n > 1 ? " loading=\"lazy\"" : "") + " data-cd-page=\"" + std::to_string(n) +
            "\">";
  }
  html += "</div>";
  if (shown.pages > shown.shown)
    html += "<p class=\"cd-notice\" data-cd-more-pages>" +
            EscapeHtml(ctx.texts.Format(lang, "portal.more_pages",
                                        {{"count", std::to_string(shown.pages - shown.shown)}})) +
            "</p>";
  return html;
}

}  // namespace

std::string FileViewHtml(Context& ctx, std::string_view lang, const FilePage& page,
                         const FileViewLinks& links) {
  const auto T = [&](const std::string& key) { return PortalText(ctx, lang, key); };
  std::string html = "<link rel=\"stylesheet\" href=\"" + std::string(kAssetPrefix) +
                     "/documents.css\"><div class=\"cd-area cd-file-view\">" + Branding(ctx) +
                     "<p><a class=\"cd-link\" href=\"" + EscapeHtml(links.back) +
                     "\" data-cd-back>" + T("back") + "</a></p><h1 class=\"cd-document-name\">" +
                     EscapeHtml(page.title) + "</h1><div class=\"cd-document-head\">" +
                     page.facts_html + "</div><p class=\"cd-file-name\">" +
                     EscapeHtml(page.file_name) + "</p>";
  if (links.download.empty())
    html += "<p class=\"cd-notice\" data-cd-view-only>" + T("view_only_note") + "</p>";
  if (page.shown.kind == ViewKind::kOther)
    html += "<p class=\"cd-notice cd-notice-error\" role=\"alert\" data-cd-not-shown>" +
            T("not_shown") + "</p>";
  else if (page.shown.kind == ViewKind::kBroken)
    html += "<p class=\"cd-notice cd-notice-error\" role=\"alert\" data-cd-not-shown>" +
            T("unreadable") + "</p>";
  else
    html += Pictures(ctx, lang, page, links);
  if (!links.download.empty())
    html += "<p><a class=\"cd-button\" href=\"" + EscapeHtml(links.download) +
            "\" data-cd-download>" + T("download") + "</a></p>";
  return html + "</div>";
}

int FileViewStatus(const FileShown& shown) { return shown.kind == ViewKind::kBroken ? 422 : 200; }

std::string SharedFileViewHtml(Context& ctx, std::string_view lang, const SharedFileView& view,
                               FileViewLinks links) {
  links.back += "#cd-shared-" + std::to_string(view.document.id);
  FilePage page;
  page.title = view.document.title;
  page.facts_html = SharedFacts(ctx, lang, view.document);
  page.file_name = view.file.name;
  page.shown = view.shown;
  return FileViewHtml(ctx, lang, page, links);
}

crm::Status SendPagePicture(crm::Response& response, const PagePicture& picture) {
  response.SetHeader("Cache-Control", "no-store");
  if (picture.image) return response.SendObject(*picture.image);
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Content-Disposition", "inline");
  return response.Send(picture.png, "image/png");
}

}  // namespace cd::hooks
