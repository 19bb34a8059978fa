// sample-host/web/user_messages.cc — the host's known technical messages and their texts.
#include "sample-host/web/user_messages.h"

#include "text/messages.h"

namespace host::web {

namespace {

// Message (app/ validation, CSV import, list query) -> web.<key>; "{x}" binds a part of it.
constexpr crm::text::KnownMessage kKnown[] = {
    {"created", "message.created"},
    {"updated", "message.updated"},
    {"last_name: a client needs a name or a company", "message.name_or_company"},
    {"email: not a valid address", "message.email"},
    {"language: must be en, fr or nl", "message.language"},
    {"birth_date: must be a date YYYY-MM-DD", "message.birth_date"},
    {"website: must be an http or https address", "message.website"},
    {"website: must not contain spaces", "message.website"},
    {"tags: a tag is longer than 50 characters", "message.tag_long"},
    {"tags: a tag may not contain commas or control characters", "message.tag_chars"},
    {"tags: at most 50 tags", "message.tags_many"},
    {"{field}: contains control characters", "message.control_chars"},
    {"gender: must be female, male, other or empty", "message.gender"},
    {"newsletter.status: must be subscribed, unsubscribed or unknown", "message.newsletter_status"},
    {"newsletter.lists: no list named \"{name}\"", "message.newsletter_list"},
    {"expected {n} fields, found {m}", "message.csv_fields"},
    {"csv: empty file", "message.csv_empty"},
    {"csv: at most {n} rows per import", "message.csv_rows"},
    {"csv: the first line must name the columns {rest}", "message.csv_header"},
    {"filter[{id}]: unknown filter", "message.filter_unknown"},
    {"filter[{id}]: you may not use this filter", "message.filter_forbidden"},
    {"filter[{id}]: {reason}", "message.filter_value"},
    {"sort: unknown sort key '{key}'", "message.sort"},
    {"page: must be 1 or more", "message.page"},
    {"per_page: must be between 1 and {n}", "message.per_page"},
    {"email: the client has no email address", "message.no_email"},
    {"email: the client has no email address to send it to", "message.no_email"},
    {"password: at least 8 characters", "message.password_short"},
    {"password: too long", "message.password_long"},
};

}  // namespace

std::string UserMessage(const Texts& texts, std::string_view message) {
  auto known = crm::text::FindKnownMessage(kKnown, message);
  if (!known) return texts.Get("message.invalid");
  return crm::text::FillPlaceholders(texts.Get(known->first), known->second);
}

}  // namespace host::web
