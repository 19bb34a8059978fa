// plugin/api_json.h — the API's JSON (SPEC §5): types, documents, files, archived versions
// and settings, and the parsing of request bodies into drafts (errors are the host's).
#pragma once

#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "host-api/status.h"
#include "plugin/journal/journal.h"
#include "plugin/model.h"

namespace cd {

// {"id","name","help","upload_mode","fields","accept","max_size","max_files","active",
//  "position","keep_metadata","names":{"en","fr","nl"},"helps":{..}} with name/help in `language`;
//  each field
// {"key","label","labels":{"en","fr","nl"},"type","required"} with label in `language`.
boost::json::object TypeToJson(const DocumentType& type, std::string_view language);

// A draft from a POST/PATCH body. `name` may be a string (sets the request's `language`
// and, on create, English when empty) or an object {"en","fr","nl"}; `fields` may be an
// array of objects or the comma-separated labels string; a field's `label` is like `name`
// (a string in `language`, or an object) and `labels` like `names`. kInvalidArgument for a wrong
// JSON type, with the member's name in the message.
crm::Result<TypeDraft> TypeDraftFromJson(const boost::json::value& body, std::string_view language);

// {"type_id","type_name","upload_mode","status","uploaded_at"(ISO 8601 UTC or null),
//  "uploaded_by","fields":{},"files":[{"id","name","size","mime","sha256","url"}]}.
// `url_base` is the API prefix the file URLs are built on.
boost::json::object DocumentToJson(const ClientDocument& doc, std::string_view language,
                                   std::string_view url_base);
// `url_base` as for DocumentToJson: each file gets the URL of the API route that serves it.
boost::json::object ArchivedToJson(const ArchivedVersion& version, std::string_view url_base);

// {"show_menu_entry","intro_markdown" (in `language`, falling back as names do),
//  "intro_markdowns":{"en","fr","nl"},"mandatory_gate"}.
boost::json::object SettingsToJson(const Settings& settings, std::string_view language);
// Partial: members absent keep `current`'s value. `intro_markdown` as a string sets the
// text of `language`; `intro_markdown` or `intro_markdowns` as an object sets the
// languages it names.
crm::Result<Settings> SettingsFromJson(const boost::json::value& body, const Settings& current,
                                       std::string_view language);

// "2026-11-22T10:53:17Z".
std::string IsoTimeUtc(int64_t unix_seconds);

// One journal entry (SPEC §6): {"seq", "at" (ISO UTC), "actor": {"kind", "id", "name"},
// "action", "client_id" (null when about no client), "object", "ip", "detail", "prev_hash",
// "hash"}.
boost::json::object JournalEntryToJson(const JournalEntry& entry);

}  // namespace cd
