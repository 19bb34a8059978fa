// plugin/portal/portal_json.h — projects and shared documents in JSON (SPEC §6 "Projects and
// shared documents"), for the API, the client area's JSON answers and the export's manifest.
#pragma once

#include <string_view>

#include <boost/json.hpp>

#include "plugin/portal/use_cases.h"

namespace cd {

// {"id", "name", "reference", "status", "created_at"}.
boost::json::object ProjectToJson(const Project& project);

// {"id", "title", "category", "project_id" | null, "status", "due_on" | null, "amount_due" |
// null (decimal string), "amount_paid", "amount_still_due" | null, "decision_required",
// "decision": null | {"value", "reason", "by", "at"}, "files": [{"id", "name", "size", "mime",
// "sha256", "url", "added_by": {"kind", "name"}, "created_at"}], "payments": [{"id", "amount",
// "paid_on", "recorded_by", "created_at"}], "created_at"}. A file's url is
// `files_base` + "/<shared id>/files/<file id>".
boost::json::object SharedToJson(const SharedDocument& doc, std::string_view files_base);

}  // namespace cd
