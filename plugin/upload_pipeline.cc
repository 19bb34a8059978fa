// plugin/upload_pipeline.cc — glue between the multipart parser and the file store: `file`
// parts stream to pending files, other parts become bounded field values.
#include "plugin/upload_pipeline.h"

#include <utility>

#include "plugin/multipart_parser.h"
#include "text/text.h"

namespace cd {
namespace {

constexpr size_t kReadChunk = 256 * 1024;
constexpr size_t kMaxFieldBytes = 4 * 1024;

}  // namespace

crm::Status FinishFile(PendingFile& file, const DocumentType& type) {
  CRM_RETURN_IF_ERROR(file.Finish());
  // SPEC X3: the stored original has no location metadata unless the type keeps it; done
  // before Commit, so no byte with a location ever becomes visible.
  return type.keep_metadata ? crm::Status::Ok() : file.RemoveLocationMetadata();
}

std::string MediaTypeOf(std::string_view content_type) {
  return crm::text::ToLowerAscii(crm::text::Trim(content_type.substr(0, content_type.find(';'))));
}

crm::Result<UploadInput> ReceiveMultipart(std::string_view content_type, const BodyReader& read,
                                          const DocumentType& type, FileStore& store,
                                          bool allow_no_file) {
  CRM_ASSIGN_OR_RETURN(auto boundary, BoundaryFromContentType(content_type));

  UploadInput input;
  PendingFile* current_file = nullptr;
  std::string* current_field = nullptr;
  std::string field_buffer;
  std::string field_name;
  size_t file_parts = 0;

  MultipartParser::Callbacks cb;
  cb.on_part_begin = [&](const PartHeaders& h) -> crm::Status {
    if (h.disposition.name == "file") {
      if (++file_parts > static_cast<size_t>(type.max_files))
        return crm::Unprocessable("at most " + std::to_string(type.max_files) + " file(s)");
      // The client's name is kept for display only; its Content-Type is ignored.
      CRM_ASSIGN_OR_RETURN(
          auto f, store.Begin(h.disposition.filename.value_or("file"), type.max_size, type.accept));
      current_file = f.get();
      input.files.push_back(std::move(f));
      return crm::Status::Ok();
    }
    if (h.disposition.filename.has_value())
      return crm::InvalidArgument("unexpected file part: " + h.disposition.name);
    if (input.fields.count(h.disposition.name))
      return crm::InvalidArgument("duplicate field: " + h.disposition.name);
    field_name = h.disposition.name;
    field_buffer.clear();
    current_field = &field_buffer;
    return crm::Status::Ok();
  };
  cb.on_part_data = [&](std::string_view data) -> crm::Status {
    if (current_file) return current_file->Write(data);
    if (current_field) {
      if (current_field->size() + data.size() > kMaxFieldBytes)
        return crm::Unprocessable(field_name + ": value too long");
      current_field->append(data);
    }
    return crm::Status::Ok();
  };
  cb.on_part_end = [&]() -> crm::Status {
    if (current_file) {
      return FinishFile(*std::exchange(current_file, nullptr), type);
    }
    if (current_field) {
      input.fields[field_name] = std::move(field_buffer);
      field_buffer.clear();
      current_field = nullptr;
    }
    return crm::Status::Ok();
  };

  MultipartParser parser(boundary, std::move(cb));
  ReadAhead body(read, kReadChunk, kLargeBodyRead);
  while (true) {
    // On error, input (and its temp files) is destroyed after the read ahead has stopped.
    CRM_ASSIGN_OR_RETURN(std::string_view chunk, body.Next());
    if (chunk.empty()) break;
    CRM_RETURN_IF_ERROR(parser.Feed(chunk));
  }
  CRM_RETURN_IF_ERROR(parser.Finish());
  if (input.files.empty() && !allow_no_file) return crm::Unprocessable("file: required");
  return input;
}

crm::Result<UploadInput> ReceiveMultipart(crm::Request& request, const DocumentType& type,
                                          FileStore& store, bool allow_no_file) {
  std::string content_type = request.Header("Content-Type").value_or("");
  return ReceiveMultipart(
      content_type, [&](char* buf, size_t size) { return request.ReadBody(buf, size); }, type,
      store, allow_no_file);
}

}  // namespace cd
