// tests/plugin/upload_parts_test.cc — resumable uploads (plugin/uploads/use_cases.h) on a store
// that writes objects in parts (host API 1.7), held to S3's rules that the tests' s3rver does not
// check: every part but the last of 5 MiB or more, each part completed with the tag it was given,
// parts of an upload that is gone refused. Chunks of any size make a valid object that becomes
// the document's file, each byte sent about once; a PATCH that lost its turn never replaces a part
// the winner recorded.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "plugin/uploads/use_cases.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"
#include "text/text.h"

namespace {

using cd::UploadChannel;
constexpr size_t kMiB = 1u << 20;

// Whole objects in a local store away from the module's data folder (so the module sees a
// remote store: FileStore::StoresLocally is false), objects in parts in memory, with S3's rules.
// Counts the bytes it was sent, to see what a tus upload costs.
class StrictPartsStore final : public crm::ObjectStore {
 public:
  explicit StrictPartsStore(const std::filesystem::path& root) : base_(cd_test::LocalStore(root)) {}

  crm::Result<std::unique_ptr<crm::ObjectWriter>> Create(std::string_view key) override {
    CRM_ASSIGN_OR_RETURN(std::unique_ptr<crm::ObjectWriter> writer, base_->Create(key));
    return std::unique_ptr<crm::ObjectWriter>(new CountingWriter(std::move(writer), sent_));
  }
  crm::Result<std::unique_ptr<crm::ObjectReader>> Open(std::string_view key, uint64_t offset,
                                                       std::optional<uint64_t> length) override {
    return base_->Open(key, offset, length);
  }
  crm::Result<crm::ObjectInfo> Stat(std::string_view key) override { return base_->Stat(key); }
  crm::Status Delete(std::string_view key) override { return base_->Delete(key); }
  crm::Status List(std::string_view prefix,
                   const std::function<bool(const crm::ObjectInfo&)>& on_object) override {
    return base_->List(prefix, on_object);
  }
  crm::Status Put(std::string_view key, const std::filesystem::path& source) override {
    std::error_code ec;
    sent_ += std::filesystem::file_size(source, ec);
    return base_->Put(key, source);
  }

  uint64_t MinPartSize() const override { return 5 * kMiB; }
  crm::Result<std::string> StartParts(std::string_view key) override {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string id = "upload-" + std::to_string(++started_);
    uploads_[id].key = std::string(key);
    return id;
  }
  crm::Result<std::string> PutPart(std::string_view key, std::string_view upload_id, int number,
                                   std::string_view bytes) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = uploads_.find(std::string(upload_id));
    if (it == uploads_.end() || it->second.key != key) return crm::NotFound("NoSuchUpload");
    if (number < 1 || number > 10000) return crm::InvalidArgument("bad part number");
    sent_ += bytes.size();
    const std::string tag = cd_test::Sha256Hex(std::string(bytes)).substr(0, 16);
    it->second.parts[number] = {std::string(bytes), tag};
    return tag;
  }
  crm::Status CompleteParts(std::string_view key, std::string_view upload_id,
                            const std::vector<crm::ObjectPart>& parts) override {
    std::string whole;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = uploads_.find(std::string(upload_id));
      if (it == uploads_.end() || it->second.key != key) return crm::NotFound("NoSuchUpload");
      int previous = 0;
      for (size_t i = 0; i < parts.size(); ++i) {
        auto part = it->second.parts.find(parts[i].number);
        if (parts[i].number <= previous) return crm::InvalidArgument("InvalidPartOrder");
        if (part == it->second.parts.end() || part->second.tag != parts[i].tag)
          return crm::InvalidArgument("InvalidPart");
        if (i + 1 < parts.size() && part->second.bytes.size() < MinPartSize())
          return crm::InvalidArgument("EntityTooSmall");
        previous = parts[i].number;
        whole += part->second.bytes;
      }
      ++completed_;
      uploads_.erase(it);
    }
    CRM_ASSIGN_OR_RETURN(std::unique_ptr<crm::ObjectWriter> writer, base_->Create(key));
    CRM_RETURN_IF_ERROR(writer->Write(whole));
    return writer->Commit();
  }
  crm::Status AbortParts(std::string_view, std::string_view upload_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    uploads_.erase(std::string(upload_id));
    return crm::Status::Ok();
  }

  uint64_t sent() const { return sent_; }
  int completed() const { return completed_; }
  size_t open_uploads() {
    std::lock_guard<std::mutex> lock(mu_);
    return uploads_.size();
  }

 private:
  class CountingWriter final : public crm::ObjectWriter {
   public:
    CountingWriter(std::unique_ptr<crm::ObjectWriter> base, std::atomic<uint64_t>& sent)
        : base_(std::move(base)), sent_(sent) {}
    crm::Status Write(std::string_view bytes) override {
      sent_ += bytes.size();
      return base_->Write(bytes);
    }
    crm::Status Commit() override { return base_->Commit(); }
    uint64_t size() const override { return base_->size(); }

   private:
    std::unique_ptr<crm::ObjectWriter> base_;
    std::atomic<uint64_t>& sent_;
  };
  struct Part {
    std::string bytes;
    std::string tag;
  };
  struct Upload {
    std::string key;
    std::map<int, Part> parts;
  };

  std::unique_ptr<crm::ObjectStore> base_;
  std::mutex mu_;
  std::map<std::string, Upload> uploads_;
  int started_ = 0;
  std::atomic<int> completed_{0};
  std::atomic<uint64_t> sent_{0};
};

// A body that gives `bytes` in reads of at most 256 KiB, then ends, or fails like a cut
// connection when `cut` is set.
cd::BodyReader BodyOf(std::string bytes, bool cut = false) {
  auto left = std::make_shared<std::string>(std::move(bytes));
  auto at = std::make_shared<size_t>(0);
  return [left, at, cut](char* buffer, size_t size) -> crm::Result<size_t> {
    const size_t n = std::min({size, left->size() - *at, size_t{256 * 1024}});
    if (n == 0 && cut) return crm::Unavailable("connection reset");
    std::copy_n(left->data() + *at, n, buffer);
    *at += n;
    return n;
  };
}

class UploadPartsTest : public ::testing::Test {
 protected:
  UploadPartsTest() : host_(dir_.path()) {
    auto store = std::make_unique<StrictPartsStore>(dir_.path() / "bucket");
    store_ = store.get();
    host_.UseStore(std::move(store));
    sv_ = std::make_unique<cd::Services>(host_);
    ann_ = host_.AddClient("Ann");
    cd::TypeDraft draft;
    draft.name = cd::LocalizedText{"Passport", "", ""};
    draft.upload_mode = cd::UploadMode::kRequired;
    draft.max_size = 64 * kMiB;
    auto type = sv_->types().Create(draft);
    EXPECT_OK(type);
    type_ = type.ok() ? type->id : 0;
  }

  // The API's caller: a token that may read and write documents.
  static crm::Principal Actor() { return cd_test::Token({"documents:read", "documents:write"}); }
  // A PDF of `size` bytes whose content differs with `seed`.
  static std::string Pdf(size_t size, unsigned seed) {
    std::string pdf = cd_test::MakePdf();
    for (unsigned i = 0; pdf.size() < size; ++i) pdf += std::to_string((i + seed) * 2654435761u);
    pdf.resize(size);
    return pdf;
  }
  std::string Create(size_t length) {
    cd::NewUpload request;
    request.client_id = ann_;
    request.length = length;
    request.metadata = "type_id " + crm::text::Base64Encode(std::to_string(type_)) + ",filename " +
                       crm::text::Base64Encode("scan.pdf");
    auto status = cd::CreateUpload(*sv_, Actor(), request);
    EXPECT_OK(status);
    return status.ok() ? status->id : "";
  }
  crm::Result<cd::ChunkOutcome> Append(const std::string& id, size_t offset, std::string bytes,
                                       bool cut = false) {
    cd::UploadChunk chunk;
    chunk.offset = offset;
    chunk.read = BodyOf(std::move(bytes), cut);
    return cd::AppendUpload(*sv_, Actor(), UploadChannel::kApi, ann_, id, chunk);
  }
  int64_t Offset(const std::string& id) {
    auto status = cd::GetUploadStatus(*sv_, Actor(), UploadChannel::kApi, ann_, id);
    EXPECT_OK(status);
    return status.ok() ? status->offset : -1;
  }
  // The document's file as stored.
  std::string Stored() {
    auto doc = sv_->documents().Get(Actor(), ann_, type_);
    EXPECT_OK(doc);
    if (!doc.ok() || doc->files.empty()) return "";
    return cd_test::ReadObject(sv_->files().ReplyFor(doc->files[0].storage_key));
  }

  cd_test::TempDir dir_;
  cd_test::FakeHost host_;
  StrictPartsStore* store_ = nullptr;
  std::unique_ptr<cd::Services> sv_;
  int64_t ann_ = 0;
  int64_t type_ = 0;
};

TEST_F(UploadPartsTest, ChunksOfAnySizeMakeValidPartsAndTheDocumentsFile) {
  const std::string pdf = Pdf(27 * kMiB + 12345, 1);
  const std::string id = Create(pdf.size());
  ASSERT_FALSE(id.empty());
  // 3 MiB (a part object: under the minimum), 6 MiB (with those 3: one 8 MiB part, 1 MiB waits),
  // a cut after 1 KiB, 10 MiB, then the rest.
  size_t at = 0;
  for (auto [size, cut] : std::vector<std::pair<size_t, bool>>{
           {3 * kMiB, false}, {6 * kMiB, false}, {1024, true}, {10 * kMiB, false}}) {
    auto sent = Append(id, at, pdf.substr(at, size), cut);
    if (cut) {
      EXPECT_EQ(sent.status().code(), crm::StatusCode::kUnavailable);
    } else {
      ASSERT_OK(sent);
      EXPECT_FALSE(sent->document.has_value());
    }
    at += size;
    ASSERT_EQ(Offset(id), static_cast<int64_t>(at));
  }
  auto last = Append(id, at, pdf.substr(at));
  ASSERT_OK(last);
  ASSERT_TRUE(last->document.has_value());
  EXPECT_EQ(last->document->files.at(0).sha256, cd_test::Sha256Hex(pdf));
  EXPECT_EQ(Stored(), pdf);
  EXPECT_EQ(store_->completed(), 1);
  EXPECT_EQ(store_->open_uploads(), 0u);
  // Each byte about once: the parts, plus the small tails sent again (4 MiB and 1 KiB here);
  // a copy into a new object would be twice the file.
  EXPECT_LT(store_->sent(), pdf.size() + 5 * kMiB);
  EXPECT_GE(store_->sent(), pdf.size());
  // Nothing of the upload is left: no row, no part object.
  EXPECT_EQ(host_.Db().QueryOne("SELECT COUNT(*) FROM cd_upload_parts", {})->value().Int(0), 0);
  std::vector<std::string> keys;
  ASSERT_OK(store_->List("uploads/", [&](const crm::ObjectInfo& info) {
    keys.push_back(info.key);
    return true;
  }));
  EXPECT_TRUE(keys.empty());
}

// A PATCH whose client gave up (its connection hung) goes on sending after a newer request took
// over: the part it sends last must not replace the part the newer PATCH recorded at that place.
TEST_F(UploadPartsTest, AStalePatchNeverReplacesTheWinnersPart) {
  const std::string pdf = Pdf(12 * kMiB, 2);
  const std::string junk = Pdf(8 * kMiB, 99);
  const std::string id = Create(pdf.size());
  ASSERT_FALSE(id.empty());
  std::promise<void> started, go_on;
  std::shared_future<void> released = go_on.get_future().share();
  auto given = std::make_shared<size_t>(0);
  auto first = std::make_shared<bool>(true);
  cd::UploadChunk stale;
  stale.offset = 0;
  // Gives 8 MiB less one byte, waits, then the last byte of its part and a cut.
  stale.read = [&, given, first](char* buffer, size_t size) -> crm::Result<size_t> {
    if (*first) {
      *first = false;
      started.set_value();
    }
    if (*given == junk.size() - 1) released.wait();
    if (*given == junk.size()) return crm::Unavailable("connection reset");
    const size_t limit = *given < junk.size() - 1 ? junk.size() - 1 : junk.size();
    const size_t n = std::min({size, limit - *given, size_t{256 * 1024}});
    std::copy_n(junk.data() + *given, n, buffer);
    *given += n;
    return n;
  };
  std::thread patch([&] {
    auto outcome = cd::AppendUpload(*sv_, Actor(), UploadChannel::kApi, ann_, id, stale);
    EXPECT_EQ(outcome.status().code(), crm::StatusCode::kConflict) << outcome.status().ToString();
  });
  started.get_future().wait();
  // The client comes back: HEAD, then the first 8 MiB, recorded.
  EXPECT_EQ(Offset(id), 0);
  ASSERT_OK(Append(id, 0, pdf.substr(0, 8 * kMiB)));
  go_on.set_value();  // the stale PATCH now sends its 8 MiB part, and loses
  patch.join();
  EXPECT_EQ(Offset(id), static_cast<int64_t>(8 * kMiB));
  auto last = Append(id, 8 * kMiB, pdf.substr(8 * kMiB));
  ASSERT_OK(last);
  ASSERT_TRUE(last->document.has_value());
  EXPECT_EQ(Stored(), pdf);
}

// The rows of the document cannot be written when the last chunk arrives (the database fails):
// the upload stays, and so does the object its parts were joined into (a failure of the server,
// 5xx); the client's retry (an empty PATCH at the end) makes the document from that object.
TEST_F(UploadPartsTest, ADatabaseFailureAtTheEndKeepsTheJoinedObjectForARetry) {
  const std::string pdf = Pdf(6 * kMiB, 4);
  const std::string id = Create(pdf.size());
  host_.lock_fails = true;
  auto failed = Append(id, 0, pdf);
  EXPECT_GE(failed.status().http_status(), 500) << failed.status().ToString();
  EXPECT_EQ(store_->completed(), 1);
  EXPECT_EQ(Offset(id), static_cast<int64_t>(pdf.size()));
  host_.lock_fails = false;
  auto retried = Append(id, pdf.size(), "");
  ASSERT_OK(retried);
  ASSERT_TRUE(retried->document.has_value());
  EXPECT_EQ(Stored(), pdf);
  EXPECT_EQ(store_->completed(), 1);  // joined once
}

// Terminated, or expired and swept: the store's upload is aborted, nothing stays.
TEST_F(UploadPartsTest, TerminationAbortsTheStoresUpload) {
  const std::string pdf = Pdf(7 * kMiB, 3);
  const std::string id = Create(pdf.size());
  ASSERT_OK(Append(id, 0, pdf.substr(0, 6 * kMiB)));
  EXPECT_EQ(store_->open_uploads(), 1u);
  ASSERT_OK(cd::TerminateUpload(*sv_, Actor(), UploadChannel::kApi, ann_, id));
  EXPECT_EQ(store_->open_uploads(), 0u);
  EXPECT_EQ(store_->completed(), 0);
  const std::string other = Create(pdf.size());
  ASSERT_OK(Append(other, 0, pdf.substr(0, 6 * kMiB)));
  host_.now += 2 * 24 * 3600;
  auto swept = cd::SweepUploads(*sv_);
  ASSERT_OK(swept);
  EXPECT_EQ(store_->open_uploads(), 0u);
}

}  // namespace
