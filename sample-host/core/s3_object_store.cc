// sample-host/core/s3_object_store.cc — implements s3_object_store.h: signed requests with
// libcurl's easy interface, XML answers read with pugixml.
#include "sample-host/core/s3_object_store.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <pugixml.hpp>

#include "text/text.h"

namespace host {

struct S3ObjectStore::Request {
  std::string method;
  std::string key;  // empty: the bucket itself
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case, signed
  std::string_view body;
  bool head_only = false;
  // A body read from a file instead (PUT only): `file_length` bytes of `file_fd` from
  // `file_offset`, whose SHA-256 the caller computed beforehand.
  int file_fd = -1;
  uint64_t file_offset = 0;
  uint64_t file_length = 0;
  std::string file_sha256 = {};
  // The answer's expected size (a ranged GET): reserved at once, so the body does not grow
  // by doubling (up to twice the range, plus a copy at each step).
  size_t expect_body = 0;
};

namespace {

size_t Collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t CollectHeader(char* data, size_t size, size_t n, void* out) {
  std::string_view line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(out);
    headers->emplace_back(crm::text::ToLowerAscii(line.substr(0, colon)),
                          std::string(crm::text::TrimAll(line.substr(colon + 1))));
  }
  return size * n;
}

std::string Header(const S3ObjectStore::Reply& reply, std::string_view name) {
  for (const auto& [k, v] : reply.headers)
    if (k == name) return v;
  return "";
}

// The store's error as a Status; the message carries S3's error code, never credentials.
crm::Status ReplyError(const S3ObjectStore::Reply& reply, std::string_view what) {
  std::string code;
  pugi::xml_document doc;
  if (doc.load_buffer(reply.body.data(), reply.body.size()))
    code = doc.child("Error").child_value("Code");
  std::string message = std::string(what) + ": object store answered " +
                        std::to_string(reply.status) + (code.empty() ? "" : " " + code);
  if (reply.status == 404) return crm::NotFound(message);
  if (reply.status >= 500 || code == "SlowDown") return crm::Unavailable(message);
  return crm::Internal(message);
}

// A request body read from a file range with pread (memory: curl's own upload buffer).
struct FileBody {
  int fd;
  uint64_t offset;
  uint64_t left;
};

size_t ReadFileBody(char* buffer, size_t size, size_t n, void* data) {
  auto* body = static_cast<FileBody*>(data);
  size_t want = static_cast<size_t>(std::min<uint64_t>(size * n, body->left));
  if (want == 0) return 0;
  ssize_t got;
  do {
    got = ::pread(body->fd, buffer, want, static_cast<off_t>(body->offset));
  } while (got < 0 && errno == EINTR);
  if (got <= 0) return CURL_READFUNC_ABORT;  // the file shrank or failed: the request fails
  body->offset += static_cast<uint64_t>(got);
  body->left -= static_cast<uint64_t>(got);
  return static_cast<size_t>(got);
}

// SHA-256 (hex) of `length` bytes of `fd` from `offset`, read in 64 KiB steps.
crm::Result<std::string> HashFileRange(int fd, uint64_t offset, uint64_t length) {
  Sha256 hash;
  std::string buffer(64 * 1024, '\0');
  while (length > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), length));
    ssize_t got = ::pread(fd, buffer.data(), want, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return crm::Internal("cannot read the file to store");
    hash.Update(buffer.data(), static_cast<size_t>(got));
    offset += static_cast<uint64_t>(got);
    length -= static_cast<uint64_t>(got);
  }
  return hash.FinishHex();
}

int64_t ParseIsoTime(const std::string& s) {
  std::tm tm{};
  if (!strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

crm::Status CheckKey(std::string_view key) {
  return crm::IsValidObjectKey(key) ? crm::Status::Ok()
                                    : crm::InvalidArgument("invalid object key");
}

// A PUT whose body is `length` bytes of `fd` from `offset` (hashed first, then read again while
// sending: the payload hash is part of the signature).
crm::Result<S3ObjectStore::Reply> PutFileRange(
    S3ObjectStore& store, const std::string& key,
    std::vector<std::pair<std::string, std::string>> query, int fd, uint64_t offset,
    uint64_t length) {
  S3ObjectStore::Request put{"PUT", key, std::move(query), {}, {}, false};
  CRM_ASSIGN_OR_RETURN(put.file_sha256, HashFileRange(fd, offset, length));
  put.file_fd = fd;
  put.file_offset = offset;
  put.file_length = length;
  return store.Send(put);
}

// Starts a multipart upload of `key`; its upload id.
crm::Result<std::string> StartMultipart(S3ObjectStore& store, const std::string& key) {
  S3ObjectStore::Request create{"POST", key, {{"uploads", ""}}, {}, {}, false};
  CRM_ASSIGN_OR_RETURN(S3ObjectStore::Reply reply, store.Send(create));
  pugi::xml_document doc;
  std::string upload_id;
  if (reply.status == 200 && doc.load_buffer(reply.body.data(), reply.body.size()))
    upload_id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (upload_id.empty()) return ReplyError(reply, "start multipart upload");
  return upload_id;
}

// The query of part `number`'s PUT.
std::vector<std::pair<std::string, std::string>> PartQuery(int number,
                                                           const std::string& upload_id) {
  return {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}};
}

// The part's ETag from the answer to its PUT.
crm::Result<std::string> PartTag(const S3ObjectStore::Reply& reply) {
  std::string etag = Header(reply, "etag");
  if (reply.status != 200 || etag.empty()) return ReplyError(reply, "upload part");
  return etag;
}

crm::Status CompleteMultipart(S3ObjectStore& store, const std::string& key,
                              const std::string& upload_id,
                              const std::vector<crm::ObjectPart>& parts) {
  std::string xml = "<CompleteMultipartUpload>";
  for (const crm::ObjectPart& part : parts) {
    xml += "<Part><PartNumber>" + std::to_string(part.number) + "</PartNumber><ETag>" +
           crm::text::EscapeHtml(part.tag) + "</ETag></Part>";
  }
  xml += "</CompleteMultipartUpload>";
  S3ObjectStore::Request complete{"POST", key, {{"uploadId", upload_id}}, {}, xml, false};
  CRM_ASSIGN_OR_RETURN(S3ObjectStore::Reply reply, store.Send(complete));
  // S3 may answer 200 with an <Error> body when completing fails late.
  if (reply.status == 200 && reply.body.find("<Error>") == std::string::npos)
    return crm::Status::Ok();
  crm::Status error = ReplyError(reply, "complete multipart upload");
  const bool bad_part = reply.body.find("<Code>InvalidPart") != std::string::npos ||
                        reply.body.find("<Code>EntityTooSmall") != std::string::npos;
  if (reply.body.find("<Code>NoSuchUpload") != std::string::npos)
    return crm::NotFound(error.message());
  return bad_part ? crm::InvalidArgument(error.message()) : error;
}

crm::Status AbortMultipart(S3ObjectStore& store, const std::string& key,
                           const std::string& upload_id) {
  S3ObjectStore::Request abort{"DELETE", key, {{"uploadId", upload_id}}, {}, {}, false};
  CRM_ASSIGN_OR_RETURN(S3ObjectStore::Reply reply, store.Send(abort));
  if (reply.status == 204 || reply.status == 200 || reply.status == 404) return crm::Status::Ok();
  return ReplyError(reply, "abort multipart upload");
}

class S3Writer final : public crm::ObjectWriter {
 public:
  S3Writer(S3ObjectStore& store, std::string key) : store_(store), key_(std::move(key)) {}
  ~S3Writer() override {
    // Best effort; the bucket's lifecycle rule cleans the rest.
    if (!committed_ && !upload_id_.empty()) (void)AbortMultipart(store_, key_, upload_id_);
  }

  crm::Status Write(std::string_view bytes) override {
    if (committed_) return crm::Internal("write after commit");
    const size_t part = store_.config().part_size;
    while (!bytes.empty()) {
      size_t take = std::min(bytes.size(), part - buffer_.size());
      buffer_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      size_ += take;
      if (buffer_.size() == part) CRM_RETURN_IF_ERROR(FlushPart());
    }
    return crm::Status::Ok();
  }

  crm::Status Commit() override {
    if (committed_) return crm::Internal("committed twice");
    if (upload_id_.empty()) {
      S3ObjectStore::Request put{"PUT", key_, {}, {}, buffer_, false};
      CRM_ASSIGN_OR_RETURN(S3ObjectStore::Reply reply, store_.Send(put));
      if (reply.status != 200) return ReplyError(reply, "put object");
    } else {
      if (!buffer_.empty()) CRM_RETURN_IF_ERROR(FlushPart());
      CRM_RETURN_IF_ERROR(Complete());
    }
    committed_ = true;
    buffer_.clear();
    buffer_.shrink_to_fit();
    return crm::Status::Ok();
  }

  uint64_t size() const override { return size_; }

  // The whole object from `size` bytes of a file, each request's body read from it (Put): one
  // PUT up to a part, else a multipart upload. Nothing is held in memory.
  crm::Status WriteFile(int fd, uint64_t size) {
    if (committed_ || size_ > 0) return crm::Internal("write of a file into a used writer");
    const uint64_t part = store_.config().part_size;
    if (size <= part) {
      CRM_ASSIGN_OR_RETURN(S3ObjectStore::Reply reply, PutFileRange(store_, key_, {}, fd, 0, size));
      if (reply.status != 200) return ReplyError(reply, "put object");
    } else {
      CRM_RETURN_IF_ERROR(StartUpload());
      for (uint64_t offset = 0; offset < size; offset += part) {
        CRM_ASSIGN_OR_RETURN(
            S3ObjectStore::Reply reply,
            PutFileRange(store_, key_, NextPart(), fd, offset, std::min(part, size - offset)));
        CRM_RETURN_IF_ERROR(AddPart(reply));
      }
      CRM_RETURN_IF_ERROR(Complete());
    }
    size_ = size;
    committed_ = true;
    return crm::Status::Ok();
  }

 private:
  crm::Status StartUpload() {
    CRM_ASSIGN_OR_RETURN(upload_id_, StartMultipart(store_, key_));
    return crm::Status::Ok();
  }

  // The query of the next part's PUT.
  std::vector<std::pair<std::string, std::string>> NextPart() const {
    return PartQuery(static_cast<int>(parts_.size()) + 1, upload_id_);
  }

  crm::Status AddPart(const S3ObjectStore::Reply& reply) {
    CRM_ASSIGN_OR_RETURN(std::string etag, PartTag(reply));
    parts_.push_back({static_cast<int>(parts_.size()) + 1, std::move(etag)});
    return crm::Status::Ok();
  }

  crm::Status FlushPart() {
    if (upload_id_.empty()) CRM_RETURN_IF_ERROR(StartUpload());
    S3ObjectStore::Request part{"PUT", key_, NextPart(), {}, buffer_, false};
    CRM_ASSIGN_OR_RETURN(S3ObjectStore::Reply reply, store_.Send(part));
    CRM_RETURN_IF_ERROR(AddPart(reply));
    buffer_.clear();
    return crm::Status::Ok();
  }

  crm::Status Complete() { return CompleteMultipart(store_, key_, upload_id_, parts_); }

  S3ObjectStore& store_;
  std::string key_;
  std::string buffer_;
  std::string upload_id_;
  std::vector<crm::ObjectPart> parts_;
  uint64_t size_ = 0;
  bool committed_ = false;
};

class S3Reader final : public crm::ObjectReader {
 public:
  S3Reader(S3ObjectStore& store, std::string key, uint64_t offset, uint64_t length)
      : store_(store), key_(std::move(key)), next_(offset), left_(length), length_(length) {}

  crm::Result<size_t> Read(char* out, size_t size) override {
    if (pos_ == chunk_.size()) {
      if (left_ == 0) return size_t{0};
      uint64_t want = std::min<uint64_t>(left_, store_.config().read_chunk);
      std::string range = "bytes=" + std::to_string(next_) + "-" + std::to_string(next_ + want - 1);
      std::string().swap(chunk_);  // read out: the next range is the only one held
      S3ObjectStore::Request get{"GET", key_, {}, {{"range", range}}, {}, false};
      get.expect_body = static_cast<size_t>(want);
      CRM_ASSIGN_OR_RETURN(S3ObjectStore::Reply reply, store_.Send(get));
      if (reply.status != 206 && reply.status != 200) return ReplyError(reply, "read object");
      if (reply.body.size() != want) return crm::Unavailable("object store returned a short range");
      chunk_ = std::move(reply.body);
      pos_ = 0;
      next_ += want;
      left_ -= want;
    }
    size_t n = std::min(size, chunk_.size() - pos_);
    std::copy_n(chunk_.data() + pos_, n, out);
    pos_ += n;
    return n;
  }
  uint64_t length() const override { return length_; }

 private:
  S3ObjectStore& store_;
  std::string key_;
  uint64_t next_, left_, length_;
  std::string chunk_;
  size_t pos_ = 0;
};

}  // namespace

crm::Result<S3Config> ParseS3Url(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (url.substr(0, kScheme.size()) != kScheme)
    return crm::InvalidArgument("--store must start with s3://");
  url.remove_prefix(kScheme.size());
  S3Config config;
  size_t q = url.find('?');
  config.bucket = std::string(url.substr(0, q));
  if (config.bucket.empty() || config.bucket.find('/') != std::string::npos)
    return crm::InvalidArgument("--store: bucket name missing or invalid");
  std::string_view query = q == std::string_view::npos ? std::string_view() : url.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = item.find('=');
    std::string name(item.substr(0, eq));
    std::string value =
        eq == std::string_view::npos ? "" : crm::text::PercentDecodeLenient(item.substr(eq + 1));
    if (name == "endpoint")
      config.endpoint = value;
    else if (name == "region")
      config.credentials.region = value;
    else
      return crm::InvalidArgument("--store: unknown parameter " + name);
  }
  if (config.endpoint.rfind("http://", 0) != 0 && config.endpoint.rfind("https://", 0) != 0)
    return crm::InvalidArgument("--store: endpoint=http(s)://HOST:PORT is required");
  while (!config.endpoint.empty() && config.endpoint.back() == '/') config.endpoint.pop_back();
  const char* id = std::getenv("AWS_ACCESS_KEY_ID");
  const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
  if (!id || !*id || !secret || !*secret)
    return crm::InvalidArgument("--store: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  config.credentials.access_key_id = id;
  config.credentials.secret_access_key = secret;
  return config;
}

S3ObjectStore::S3ObjectStore(S3Config config) : config_(std::move(config)) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string_view rest = config_.endpoint;
  rest.remove_prefix(rest.find("://") + 3);
  host_ = std::string(rest.substr(0, rest.find('/')));
}

S3ObjectStore::~S3ObjectStore() = default;

crm::Result<S3ObjectStore::Reply> S3ObjectStore::Send(const Request& r) {
  SigV4Request sig;
  sig.method = r.method;
  sig.host = host_;
  sig.path = "/" + config_.bucket + (r.key.empty() ? "" : "/" + r.key);
  sig.query = r.query;
  sig.headers = r.headers;
  sig.payload_sha256 = r.file_fd >= 0 ? r.file_sha256 : Sha256Hex(r.body);
  sig.amz_date = AmzDate(static_cast<int64_t>(std::time(nullptr)));

  std::string url = config_.endpoint + AwsUriEncode(sig.path, false);
  std::string query;
  for (const auto& [k, v] : r.query) {
    query += (query.empty() ? "?" : "&") + AwsUriEncode(k, true);
    if (!v.empty() || k != "uploads") query += "=" + AwsUriEncode(v, true);
  }
  url += query;

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return crm::Internal("curl_easy_init failed");
  struct curl_slist* list = nullptr;
  for (const auto& [k, v] : SignV4(sig, config_.credentials))
    list = curl_slist_append(list, (k + ": " + v).c_str());
  for (const auto& [k, v] : r.headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);

  Reply reply;
  reply.body.reserve(r.expect_body);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config_.connect_timeout_seconds));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(config_.stall_timeout_seconds));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, CollectHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply.headers);
  FileBody file_body{r.file_fd, r.file_offset, r.file_length};
  if (r.file_fd >= 0) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);  // a PUT read through ReadFileBody
    curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadFileBody);
    curl_easy_setopt(c, CURLOPT_READDATA, &file_body);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(r.file_length));
  } else if (r.head_only) {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (r.method == "PUT" || r.method == "POST") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  } else if (r.method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    // Connection refused, name or timeout: the store is down or stuck; try again later.
    return crm::Unavailable(std::string("object store unreachable: ") + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

crm::Result<std::unique_ptr<crm::ObjectWriter>> S3ObjectStore::Create(std::string_view key) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  return std::unique_ptr<crm::ObjectWriter>(new S3Writer(*this, std::string(key)));
}

crm::Result<std::unique_ptr<crm::ObjectReader>> S3ObjectStore::Open(
    std::string_view key, uint64_t offset, std::optional<uint64_t> length) {
  CRM_ASSIGN_OR_RETURN(crm::ObjectInfo info, Stat(key));
  uint64_t start = std::min(offset, info.size);
  uint64_t len = std::min(length.value_or(info.size - start), info.size - start);
  return std::unique_ptr<crm::ObjectReader>(new S3Reader(*this, std::string(key), start, len));
}

crm::Status S3ObjectStore::Put(std::string_view key, const std::filesystem::path& source) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return crm::Internal("cannot open the file to store");
  struct stat st {};
  crm::Status s =
      ::fstat(fd, &st) == 0 ? crm::Status::Ok() : crm::Internal("cannot read the file to store");
  if (s.ok()) {
    S3Writer writer(*this, std::string(key));  // aborts the multipart upload on failure
    s = writer.WriteFile(fd, static_cast<uint64_t>(st.st_size));
  }
  ::close(fd);
  if (s.ok()) ::unlink(source.c_str());
  return s;
}

crm::Result<std::string> S3ObjectStore::StartParts(std::string_view key) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  return StartMultipart(*this, std::string(key));
}

crm::Result<std::string> S3ObjectStore::PutPart(std::string_view key, std::string_view upload_id,
                                                int number, std::string_view bytes) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  if (number < 1 || number > 10000) return crm::InvalidArgument("part number out of 1-10000");
  Request part{"PUT", std::string(key), PartQuery(number, std::string(upload_id)), {}, bytes,
               false};
  CRM_ASSIGN_OR_RETURN(Reply reply, Send(part));
  return PartTag(reply);
}

crm::Status S3ObjectStore::CompleteParts(std::string_view key, std::string_view upload_id,
                                         const std::vector<crm::ObjectPart>& parts) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  if (parts.empty()) return crm::InvalidArgument("an object needs at least one part");
  return CompleteMultipart(*this, std::string(key), std::string(upload_id), parts);
}

crm::Status S3ObjectStore::AbortParts(std::string_view key, std::string_view upload_id) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  return AbortMultipart(*this, std::string(key), std::string(upload_id));
}

crm::Result<crm::ObjectInfo> S3ObjectStore::Stat(std::string_view key) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  Request head{"HEAD", std::string(key), {}, {}, {}, true};
  CRM_ASSIGN_OR_RETURN(Reply reply, Send(head));
  if (reply.status != 200) return ReplyError(reply, "stat object");
  crm::ObjectInfo info{std::string(key), 0, 0};
  info.size = std::strtoull(Header(reply, "content-length").c_str(), nullptr, 10);
  std::string modified = Header(reply, "last-modified");
  if (!modified.empty())
    info.modified_at = static_cast<int64_t>(curl_getdate(modified.c_str(), nullptr));
  return info;
}

crm::Status S3ObjectStore::Delete(std::string_view key) {
  CRM_RETURN_IF_ERROR(CheckKey(key));
  Request del{"DELETE", std::string(key), {}, {}, {}, false};
  CRM_ASSIGN_OR_RETURN(Reply reply, Send(del));
  if (reply.status != 204 && reply.status != 200 && reply.status != 404)
    return ReplyError(reply, "delete object");
  return crm::Status::Ok();
}

crm::Status S3ObjectStore::List(std::string_view prefix,
                                const std::function<bool(const crm::ObjectInfo&)>& on_object) {
  std::string token;
  while (true) {
    Request list{"GET", "", {{"list-type", "2"}, {"prefix", std::string(prefix)}}, {}, {}, false};
    if (!token.empty()) list.query.emplace_back("continuation-token", token);
    CRM_ASSIGN_OR_RETURN(Reply reply, Send(list));
    if (reply.status != 200) return ReplyError(reply, "list objects");
    pugi::xml_document doc;
    if (!doc.load_buffer(reply.body.data(), reply.body.size()))
      return crm::Internal("list objects: unreadable answer");
    pugi::xml_node result = doc.child("ListBucketResult");
    for (pugi::xml_node item : result.children("Contents")) {
      crm::ObjectInfo info{item.child_value("Key"),
                           std::strtoull(item.child_value("Size"), nullptr, 10),
                           ParseIsoTime(item.child_value("LastModified"))};
      if (!on_object(info)) return crm::Status::Ok();
    }
    if (std::string_view(result.child_value("IsTruncated")) != "true") return crm::Status::Ok();
    token = result.child_value("NextContinuationToken");
    if (token.empty()) return crm::Internal("list objects: truncated answer without a token");
  }
}

}  // namespace host
