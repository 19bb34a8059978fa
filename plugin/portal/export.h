// plugin/portal/export.h — PT7: everything the module holds on one client as a ZIP
// (manifest.json + every file), built in a temp file so memory stays flat whatever the client
// holds; the route streams it and removes it.
#pragma once

#include <cstdint>
#include <filesystem>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/services.h"

namespace cd {

// Staff with documents.read, tokens with documents:read (clients: kPermissionDenied); the
// client exists (kNotFound). The ZIP holds manifest.json {"client_id", "exported_at",
// "documents" (each with its fields, review, files and archived versions), "comments",
// "projects", "shared_documents" (decisions, payments, files), "journal" (the client's
// entries, oldest first), "links": []} and files/...: each file's "path" in the manifest.
// Journaled "exported". Returns the ZIP's temp path: the caller removes it.
crm::Result<std::filesystem::path> ExportClient(Services& sv, const crm::Principal& actor,
                                                int64_t client_id);

}  // namespace cd
