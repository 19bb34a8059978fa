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
    // The admin users page (issue 15.9).
    {"email: an admin with this email exists", "message.admin_exists"},
    {"permission: unknown '{p}'", "message.permission_unknown"},
    {"admin {id} does not exist", "message.admin_missing"},
    {"no such admin", "message.admin_missing"},
    {"you cannot take admins.manage from yourself", "message.admin_self_manage"},
    {"you cannot disable your own account", "message.admin_self_disable"},
    // The CRM's settings (issue 15.14).
    {"time_zone: unknown time zone \"{zone}\" (an IANA name such as Europe/Brussels)",
     "message.time_zone"},
};

// Why a plugin did not load (sample-host/core: plugin_loader.cc, elf_manifest.cc, migrator.cc,
// plugin_call.h) -> web.<key>; the technical text stays on the page beside it (issue 15.9).
constexpr crm::text::KnownMessage kPluginErrors[] = {
    {"{path} is writable by any user (chmod o-w)", "plugins.why.writable"},
    {"no plugin manifest (section {section}): not a CRM plugin", "plugins.why.not_plugin"},
    {"not a loadable library: {why}", "plugins.why.not_library"},
    {"{file} is not a regular file", "plugins.why.unreadable"},
    {"cannot stat {file}", "plugins.why.unreadable"},
    {"cannot open {file}", "plugins.why.unreadable"},
    {"cannot read {file}", "plugins.why.unreadable"},
    {"bad manifest: {detail}", "plugins.why.bad_manifest"},
    {"invalid plugin id \"{id}\" {rest}", "plugins.why.bad_id"},
    {"host API major {plugin} of the plugin differs from the host's {host}",
     "plugins.why.api_major"},
    {"plugin needs host API {plugin}, newer than this host's {host}", "plugins.why.api_newer"},
    {"toolchain fingerprint differs: {detail}", "plugins.why.toolchain"},
    {"manifest names entry {detail}", "plugins.why.no_entry"},
    {"missing entry symbol {detail}", "plugins.why.no_entry"},
    {"entry symbol {detail} not found by dlsym", "plugins.why.no_entry"},
    {"duplicate plugin id {id}: already loaded from {file}", "plugins.why.duplicate"},
    {"the library does not load: {detail}", "plugins.why.no_load"},
    {"the host could not create its services", "plugins.why.services"},
    {"the plugin entry {detail}", "plugins.why.entry_failed"},
    {"a registration was refused: {detail}", "plugins.why.registration"},
    {"registrations clash: {detail}", "plugins.why.registration"},
    {"migration {name} of {owner} was edited after it was applied{rest}",
     "plugins.why.migration_edited"},
    {"the database holds migration {name} (version {version}) of {owner}, {rest}",
     "plugins.why.migration_newer"},
    {"migrations of {owner}: {detail}", "plugins.why.migrations"},
};

}  // namespace

std::string UserMessage(const Texts& texts, std::string_view message) {
  auto known = crm::text::FindKnownMessage(kKnown, message);
  if (!known) return texts.Get("message.invalid");
  return crm::text::FillPlaceholders(texts.Get(known->first), known->second);
}

std::string PluginLoadMessage(const Texts& texts, std::string_view error) {
  auto known = crm::text::FindKnownMessage(kPluginErrors, error);
  if (!known) return texts.Get("plugins.why.other");
  return crm::text::FillPlaceholders(texts.Get(known->first), known->second);
}

}  // namespace host::web
