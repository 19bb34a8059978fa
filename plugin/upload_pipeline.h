// plugin/upload_pipeline.h — turns a streamed multipart/form-data body into pending files
// and extra field values for one document type, enforcing its limits while the bytes arrive.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/http.h"
#include "host-api/status.h"
#include "plugin/file_store.h"
#include "plugin/model.h"
#include "plugin/read_ahead.h"

namespace cd {

// What an upload form carried: every `file` part (not yet committed) and the other
// parts as field values (each at most 4 KiB).
struct UploadInput {
  std::map<std::string, std::string> fields;
  std::vector<std::unique_ptr<PendingFile>> files;
};

// Ends a file's stream the way every upload does: PendingFile::Finish, then (unless
// type.keep_metadata, SPEC X3) RemoveLocationMetadata, before anything is committed.
crm::Status FinishFile(PendingFile& file, const DocumentType& type);

// Streams the body through the multipart parser: `file` parts go to `store` with the
// type's max_size and accept list; more than type.max_files files is kUnprocessable;
// no file at all is kUnprocessable unless `allow_no_file` (an update of fields only).
// Each finished file loses its location metadata unless type.keep_metadata
// (PendingFile::RemoveLocationMetadata: a damaged image is kUnprocessable).
// On error every temp file is already gone. Memory stays flat: two 256 KiB buffers, the
// next read filling one (ReadAhead) while the parser hashes and writes the other in place.
crm::Result<UploadInput> ReceiveMultipart(std::string_view content_type, const BodyReader& read,
                                          const DocumentType& type, FileStore& store,
                                          bool allow_no_file = false);

// "multipart/form-data; boundary=x" -> "multipart/form-data" (lower case, trimmed).
std::string MediaTypeOf(std::string_view content_type);

// Convenience over a crm::Request (Content-Type header and ReadBody).
crm::Result<UploadInput> ReceiveMultipart(crm::Request& request, const DocumentType& type,
                                          FileStore& store, bool allow_no_file = false);

}  // namespace cd
