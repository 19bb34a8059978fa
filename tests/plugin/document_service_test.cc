// tests/plugin/document_service_test.cc — the service rules whatever route calls: clients vs
// admin_only and other clients' documents, replace archives, delete, client deletion, scrub.
#include "plugin/documents/document_service.h"

#include <gtest/gtest.h>

#include <thread>

#include "plugin/documents/scrub_job.h"
#include "plugin/services.h"
#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

namespace fs = std::filesystem;

class DocumentServiceTest : public cd_test::ModuleTest {
 protected:
  DocumentServiceTest() {
    ann_ = host_.AddClient("Ann");
    bob_ = host_.AddClient("Bob");
    id_card_ = MakeType("ID card", UploadMode::kRequired, "Date of issue");
    TypeDraft fields;
    fields.fields =
        std::vector<FieldDef>{{"expiry", {"Expiry", "", ""}, FieldType::kDate, true},
                              {"number", {"Number", "", ""}, FieldType::kNumber, false}};
    fields.max_files = 2;
    id_card_ = *sv_.types().Update(id_card_.id, fields);
    contract_ = MakeType("Signed contract", UploadMode::kAdminOnly, "");
  }

  DocumentType MakeType(const std::string& name, UploadMode mode, const std::string& fields) {
    TypeDraft d;
    d.name = LocalizedText{name, "", ""};
    d.upload_mode = mode;
    d.fields = FieldsFromLabels(fields);
    auto t = sv_.types().Create(d);
    EXPECT_OK(t);
    return *t;
  }

  // A finished upload (files in tmp/, not committed) of `bytes` as the given files.
  UploadInput Input(std::vector<std::string> files, std::map<std::string, std::string> fields) {
    UploadInput in;
    in.fields = std::move(fields);
    for (size_t i = 0; i < files.size(); ++i) {
      auto f =
          sv_.files().Begin("scan" + std::to_string(i) + ".pdf", kDefaultMaxSize, DefaultAccept());
      EXPECT_OK(f);
      EXPECT_OK((*f)->Write(files[i]));
      EXPECT_OK((*f)->Finish());
      in.files.push_back(std::move(*f));
    }
    return in;
  }

  UploadInput ValidInput() { return Input({cd_test::MakePdf()}, {{"expiry", "2030-01-31"}}); }

  fs::path FilesDir() { return host_.DataDir() / "files"; }

  int64_t ann_ = 0, bob_ = 0;
  DocumentType id_card_, contract_;
};

TEST_F(DocumentServiceTest, ClientUploadsOwnDocumentAndSeesIt) {
  auto doc = sv_.documents().Upload(cd_test::Client(ann_), ann_, id_card_.id, ValidInput());
  ASSERT_OK(doc);
  EXPECT_EQ(doc->status, DocumentStatus::kUploaded);
  EXPECT_EQ(doc->uploaded_by, "client");
  EXPECT_EQ(doc->uploaded_at, host_.now);
  EXPECT_EQ(doc->fields.at("expiry"), "2030-01-31");
  ASSERT_EQ(doc->files.size(), 1u);
  EXPECT_EQ(doc->files[0].mime, "application/pdf");
  EXPECT_EQ(doc->files[0].sha256, cd_test::Sha256Hex(cd_test::MakePdf()));
  EXPECT_TRUE(cd_test::ListFiles(host_.DataDir() / "tmp").empty());
  EXPECT_EQ(cd_test::ListFiles(FilesDir() / std::to_string(ann_)).size(), 1u);

  auto list = sv_.documents().List(cd_test::Client(ann_), ann_);
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].status, DocumentStatus::kUploaded);
  EXPECT_EQ((*list)[1].status, DocumentStatus::kMissing);  // admin-only contract, shown

  ASSERT_EQ(host_.timeline.size(), 1u);
  EXPECT_EQ(host_.timeline[0].type, "client-documents.upload");
  EXPECT_EQ(host_.timeline[0].client_id, ann_);
  // Issue 15.10: a key and its parameters, shown by the host in the reader's language.
  EXPECT_EQ(host_.timeline[0].title,
            R"(@client-documents.timeline.uploaded {"type":{"en":"ID card"}})");

  auto file = sv_.documents().OpenFile(cd_test::Client(ann_), ann_, id_card_.id, std::nullopt);
  ASSERT_OK(file);
  EXPECT_EQ(cd_test::ReadObject(file), cd_test::MakePdf());
  EXPECT_EQ(file->mime, "application/pdf");
}

TEST_F(DocumentServiceTest, ClientCannotTouchAdminOnlyDocuments) {
  auto up = sv_.documents().Upload(cd_test::Client(ann_), ann_, contract_.id, ValidInput());
  EXPECT_EQ(up.status().code(), crm::StatusCode::kPermissionDenied);
  auto staff =
      sv_.documents().Upload(cd_test::Admin(), ann_, contract_.id, Input({cd_test::MakePdf()}, {}));
  ASSERT_OK(staff);
  EXPECT_EQ(sv_.documents().Delete(cd_test::Client(ann_), ann_, contract_.id).code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(sv_.documents()
                .Upload(cd_test::Client(ann_), ann_, contract_.id, Input({cd_test::MakePdf()}, {}))
                .status()
                .code(),
            crm::StatusCode::kPermissionDenied);
  // But the client can read and download it.
  EXPECT_OK(sv_.documents().OpenFile(cd_test::Client(ann_), ann_, contract_.id, std::nullopt));
  // Nothing left behind by the refused uploads.
  EXPECT_TRUE(cd_test::ListFiles(host_.DataDir() / "tmp").empty());
  EXPECT_EQ(cd_test::ListFiles(FilesDir()).size(), 1u);
}

TEST_F(DocumentServiceTest, ClientCannotTouchAnotherClientsDocuments) {
  auto bobs = sv_.documents().Upload(cd_test::Client(bob_), bob_, id_card_.id, ValidInput());
  ASSERT_OK(bobs);
  const crm::Principal ann = cd_test::Client(ann_);
  EXPECT_EQ(sv_.documents().List(ann, bob_).status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(sv_.documents().Get(ann, bob_, id_card_.id).status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(sv_.documents().Upload(ann, bob_, id_card_.id, ValidInput()).status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(sv_.documents().Delete(ann, bob_, id_card_.id).code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(sv_.documents().OpenFile(ann, bob_, id_card_.id, std::nullopt).status().code(),
            crm::StatusCode::kNotFound);
  // IDOR: Bob's file id under Ann's own path.
  int64_t bob_file = bobs->files[0].id;
  ASSERT_OK(sv_.documents().Upload(ann, ann_, id_card_.id, ValidInput()));
  EXPECT_EQ(sv_.documents().OpenFile(ann, ann_, id_card_.id, bob_file).status().code(),
            crm::StatusCode::kNotFound);
  EXPECT_EQ(sv_.documents().OpenThumbnail(ann, ann_, bob_file).status().code(),
            crm::StatusCode::kNotFound);
  // Bob's document is untouched.
  EXPECT_EQ(sv_.documents().Get(cd_test::Admin(), bob_, id_card_.id)->files[0].id, bob_file);
}

TEST_F(DocumentServiceTest, ClientCannotUploadToArchivedType) {
  TypeDraft archive;
  archive.active = false;
  ASSERT_OK(sv_.types().Update(id_card_.id, archive));
  EXPECT_EQ(sv_.documents()
                .Upload(cd_test::Client(ann_), ann_, id_card_.id, ValidInput())
                .status()
                .code(),
            crm::StatusCode::kPermissionDenied);
}

TEST_F(DocumentServiceTest, StaffAndTokensNeedPermissionsAndScopes) {
  EXPECT_EQ(sv_.documents().List(cd_test::Admin({}), ann_).status().code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_OK(sv_.documents().List(cd_test::Admin({"documents.read"}), ann_));
  EXPECT_EQ(sv_.documents()
                .Upload(cd_test::Admin({"documents.read"}), ann_, id_card_.id, ValidInput())
                .status()
                .code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(sv_.documents().List(cd_test::Token({"clients:read"}), ann_).status().code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(sv_.documents()
                .Upload(cd_test::Token({"documents:read"}), ann_, id_card_.id, ValidInput())
                .status()
                .code(),
            crm::StatusCode::kPermissionDenied);
  auto doc =
      sv_.documents().Upload(cd_test::Token({"documents:write"}), ann_, id_card_.id, ValidInput());
  ASSERT_OK(doc);
  EXPECT_EQ(doc->uploaded_by, "api:token of marie@example.test");
  EXPECT_EQ(sv_.documents().List(crm::Principal{}, ann_).status().code(),
            crm::StatusCode::kUnauthenticated);
  EXPECT_EQ(sv_.documents().List(cd_test::Admin(), 9999).status().code(),
            crm::StatusCode::kNotFound);
}

TEST_F(DocumentServiceTest, FieldsAreValidatedAgainstTheType) {
  const crm::Principal admin = cd_test::Admin();
  struct Case {
    std::map<std::string, std::string> fields;
    const char* key;
  } cases[] = {
      {{}, "expiry"},                          // required
      {{{"expiry", "31/01/2030"}}, "expiry"},  // not ISO
      {{{"expiry", "2030-02-30"}}, "expiry"},  // no such day
      {{{"expiry", "2030-01-31"}, {"number", "12abc"}}, "number"},
      {{{"expiry", "2030-01-31"}, {"colour", "red"}}, "colour"},  // unknown
  };
  for (const Case& c : cases) {
    auto r =
        sv_.documents().Upload(admin, ann_, id_card_.id, Input({cd_test::MakePdf()}, c.fields));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), crm::StatusCode::kUnprocessable);
    EXPECT_NE(r.status().message().find(c.key), std::string::npos) << r.status().message();
  }
  EXPECT_TRUE(cd_test::ListFiles(FilesDir()).empty());
  EXPECT_TRUE(cd_test::ListFiles(host_.DataDir() / "tmp").empty());
  auto ok = sv_.documents().Upload(
      admin, ann_, id_card_.id,
      Input({cd_test::MakePdf()}, {{"expiry", "2028-02-29"}, {"number", "-12.5"}}));
  EXPECT_OK(ok);
  // Too many files for the type (max_files = 2).
  auto three =
      sv_.documents().Upload(admin, ann_, id_card_.id,
                             Input({cd_test::MakePdf(), cd_test::MakePdf(), cd_test::MakePdf()},
                                   {{"expiry", "2030-01-31"}}));
  EXPECT_EQ(three.status().code(), crm::StatusCode::kUnprocessable);
}

TEST_F(DocumentServiceTest, ReplaceArchivesThePreviousVersion) {
  auto first = sv_.documents().Upload(cd_test::Client(ann_), ann_, id_card_.id, ValidInput());
  ASSERT_OK(first);
  host_.now += 60;
  std::string png = cd_test::MakePng();
  auto second =
      sv_.documents().Upload(cd_test::Admin(), ann_, id_card_.id,
                             Input({png, cd_test::MakePdf()}, {{"expiry", "2031-01-01"}}));
  ASSERT_OK(second);
  EXPECT_EQ(second->files.size(), 2u);
  EXPECT_EQ(second->uploaded_by, "admin:Marie Dupont");
  EXPECT_NE(second->files[0].id, first->files[0].id);

  auto archive = sv_.documents().ListArchive(cd_test::Admin(), ann_, id_card_.id);
  ASSERT_OK(archive);
  ASSERT_EQ(archive->size(), 1u);
  const ArchivedVersion& v = (*archive)[0];
  EXPECT_EQ(v.reason, "replaced");
  EXPECT_EQ(v.archived_by, "admin:Marie Dupont");
  EXPECT_EQ(v.archived_at, host_.now);
  EXPECT_EQ(v.uploaded_by, "client");
  EXPECT_EQ(v.fields.at("expiry"), "2030-01-31");
  ASSERT_EQ(v.files.size(), 1u);
  EXPECT_EQ(v.files[0].id, first->files[0].id);
  auto old_file = sv_.documents().OpenArchivedFile(cd_test::Admin(), ann_, v.files[0].id);
  ASSERT_OK(old_file);
  EXPECT_EQ(cd_test::ReadObject(old_file), cd_test::MakePdf());
  // The archive is staff's; the old file is no longer "current".
  EXPECT_EQ(sv_.documents().ListArchive(cd_test::Client(ann_), ann_, id_card_.id).status().code(),
            crm::StatusCode::kPermissionDenied);
  EXPECT_EQ(
      sv_.documents().OpenFile(cd_test::Admin(), ann_, id_card_.id, v.files[0].id).status().code(),
      crm::StatusCode::kNotFound);
  EXPECT_EQ(sv_.documents().OpenArchivedFile(cd_test::Admin(), bob_, v.files[0].id).status().code(),
            crm::StatusCode::kNotFound);
  ASSERT_EQ(host_.timeline.size(), 2u);
  EXPECT_EQ(host_.timeline[1].type, "client-documents.replace");
  // The image got a thumbnail, the PDF not.
  EXPECT_FALSE(second->files[0].thumbnail_key.empty());
  EXPECT_OK(sv_.documents().OpenThumbnail(cd_test::Client(ann_), ann_, second->files[0].id));
  EXPECT_EQ(cd_test::ListFiles(FilesDir() / std::to_string(ann_)).size(), 4u);  // 3 blobs + thumb
}

TEST_F(DocumentServiceTest, DeleteMovesToArchive) {
  ASSERT_OK(sv_.documents().Upload(cd_test::Client(ann_), ann_, id_card_.id, ValidInput()));
  ASSERT_OK(sv_.documents().Delete(cd_test::Client(ann_), ann_, id_card_.id));
  auto doc = sv_.documents().Get(cd_test::Client(ann_), ann_, id_card_.id);
  ASSERT_OK(doc);
  EXPECT_EQ(doc->status, DocumentStatus::kMissing);
  auto archive = sv_.documents().ListArchive(cd_test::Admin(), ann_, id_card_.id);
  ASSERT_EQ(archive->size(), 1u);
  EXPECT_EQ((*archive)[0].reason, "deleted");
  EXPECT_EQ(host_.timeline.back().type, "client-documents.delete");
  EXPECT_EQ(sv_.documents().Delete(cd_test::Client(ann_), ann_, id_card_.id).code(),
            crm::StatusCode::kNotFound);
}

TEST_F(DocumentServiceTest, ClientDeletionRemovesRowsThenFiles) {
  ASSERT_OK(sv_.documents().Upload(cd_test::Client(ann_), ann_, id_card_.id, ValidInput()));
  ASSERT_TRUE(sv_.documents()
                  .Upload(cd_test::Admin(), ann_, id_card_.id,
                          Input({cd_test::MakePng()}, {{"expiry", "2030-01-01"}}))
                  .ok());
  ASSERT_TRUE(sv_.documents()
                  .Upload(cd_test::Admin(), ann_, contract_.id, Input({cd_test::MakePdf()}, {}))
                  .ok());
  ASSERT_OK(sv_.documents().Upload(cd_test::Client(bob_), bob_, id_card_.id, ValidInput()));

  // As the host does it: rows (and the client row) in one transaction, files after commit.
  ASSERT_TRUE(host_.Db()
                  .Transaction([&](crm::SqlExecutor& tx) {
                    CRM_RETURN_IF_ERROR(DocumentService::DeleteClientRows(ann_, tx));
                    auto r = tx.Exec("DELETE FROM clients WHERE id = ?", {ann_});
                    return r.ok() ? crm::Status::Ok() : r.status();
                  })
                  .ok());
  sv_.documents().RemoveClientFiles(ann_);

  for (const char* table : {"cd_documents", "cd_versions", "cd_files"}) {
    auto n = host_.Db().QueryOne(
        std::string("SELECT COUNT(*) FROM ") + table + " WHERE client_id = ?", {ann_});
    EXPECT_EQ((*n)->Int(0), 0) << table;
  }
  EXPECT_FALSE(fs::exists(FilesDir() / std::to_string(ann_)));
  // Bob keeps everything.
  EXPECT_EQ(sv_.documents().Get(cd_test::Admin(), bob_, id_card_.id)->status,
            DocumentStatus::kUploaded);
  EXPECT_EQ(cd_test::ListFiles(FilesDir() / std::to_string(bob_)).size(), 1u);
}

TEST_F(DocumentServiceTest, ScrubRemovesOrphansOnly) {
  ASSERT_OK(sv_.documents().Upload(cd_test::Client(bob_), bob_, id_card_.id, ValidInput()));
  // An orphan blob of a live client, a folder of a client that no longer exists, a stale temp.
  cd_test::WriteFile(FilesDir() / std::to_string(bob_) / "0123456789abcdef0123456789abcdef.bin",
                     "x");
  cd_test::WriteFile(FilesDir() / "9999" / "0123456789abcdef0123456789abcdef.bin", "x");
  cd_test::WriteFile(host_.DataDir() / "tmp" / "old.part", "x");
  auto old = fs::file_time_type::clock::now() - std::chrono::hours(2);
  fs::last_write_time(FilesDir() / std::to_string(bob_) / "0123456789abcdef0123456789abcdef.bin",
                      old);
  fs::last_write_time(host_.DataDir() / "tmp" / "old.part", old);
  cd_test::WriteFile(host_.DataDir() / "tmp" / "fresh.part", "x");  // an upload in progress

  auto removed = sv_.documents().Scrub();
  ASSERT_OK(removed);
  EXPECT_EQ(removed->orphans_removed, 2);
  EXPECT_EQ(removed->temp_removed, 1);
  EXPECT_EQ(removed->checked, 1);
  EXPECT_EQ(removed->missing + removed->altered, 0);
  EXPECT_FALSE(fs::exists(FilesDir() / "9999"));
  EXPECT_EQ(cd_test::ListFiles(FilesDir() / std::to_string(bob_)).size(), 1u);
  EXPECT_TRUE(fs::exists(host_.DataDir() / "tmp" / "fresh.part"));
  EXPECT_OK(sv_.documents().OpenFile(cd_test::Admin(), bob_, id_card_.id, std::nullopt));
}

// Issue 15.6 (SPEC §6 `sample-host scrub`): the scrub reads every stored file again and
// counts those missing from the store or whose bytes differ from their row's size and hash.
TEST_F(DocumentServiceTest, ScrubReHashesStoredFilesAndCountsMissingAndAltered) {
  auto a = sv_.documents().Upload(cd_test::Admin(), ann_, id_card_.id, ValidInput());
  auto b = sv_.documents().Upload(cd_test::Admin(), bob_, id_card_.id, ValidInput());
  auto c =
      sv_.documents().Upload(cd_test::Admin(), bob_, contract_.id, Input({cd_test::MakePdf()}, {}));
  ASSERT_OK(a);
  ASSERT_OK(b);
  ASSERT_OK(c);
  fs::remove(host_.DataDir() / a->files[0].storage_key);
  std::string pdf = cd_test::MakePdf();
  pdf[pdf.size() / 2] ^= 1;  // same size, another hash
  cd_test::WriteFile(host_.DataDir() / b->files[0].storage_key, pdf);

  auto report = sv_.documents().Scrub();
  ASSERT_OK(report);
  EXPECT_EQ(report->checked, 3);
  EXPECT_EQ(report->missing, 1);
  EXPECT_EQ(report->altered, 1);
  EXPECT_EQ(report->orphans_removed, 0) << "an altered file is reported, never removed";
  EXPECT_TRUE(fs::exists(host_.DataDir() / b->files[0].storage_key));
  EXPECT_EQ(ScrubReportJson(*report),
            R"({"checked":3,"missing":1,"altered":1,"orphans_removed":0,"temp_removed":0})");
  // Without the re-hash (the job's hourly runs), nothing is read.
  auto quick = sv_.documents().Scrub(/*rehash=*/false);
  ASSERT_OK(quick);
  EXPECT_EQ(quick->checked, 0);
}

// Issue 16: the store is down or stuck: the upload fails as unavailable (503) with no row and
// no temp file left; a download of a stored file answers 503 before sending anything.
TEST_F(DocumentServiceTest, StoreDownFailsUploadsCleanlyAndDownloads) {
  ASSERT_OK(sv_.documents().Upload(cd_test::Admin(), ann_, id_card_.id, ValidInput()));
  auto file = sv_.documents().OpenFile(cd_test::Admin(), ann_, id_card_.id, std::nullopt);
  ASSERT_OK(file);
  host_.store_down = true;
  auto up = sv_.documents().Upload(cd_test::Admin(), bob_, id_card_.id, ValidInput());
  EXPECT_EQ(up.status().code(), crm::StatusCode::kUnavailable) << up.status().ToString();
  auto rows = host_.Db().QueryOne("SELECT COUNT(*) FROM cd_files WHERE client_id = ?", {bob_});
  ASSERT_OK(rows);
  EXPECT_EQ((*rows)->Int(0), 0);
  rows = host_.Db().QueryOne("SELECT COUNT(*) FROM cd_documents WHERE client_id = ?", {bob_});
  EXPECT_EQ((*rows)->Int(0), 0);
  EXPECT_TRUE(cd_test::ListFiles(host_.DataDir() / "tmp").empty());
  crm_test::FakeResponse res;
  EXPECT_EQ(res.SendObject(*file).code(), crm::StatusCode::kUnavailable);
  EXPECT_FALSE(res.Started());
  host_.store_down = false;
  EXPECT_EQ(cd_test::ReadObject(file), cd_test::MakePdf());
  ASSERT_OK(sv_.documents().Upload(cd_test::Admin(), bob_, id_card_.id, ValidInput()));
}

// Issue 15.6: a thumbnail is kept only while a row names it, even when its blob has a row.
TEST_F(DocumentServiceTest, ScrubRemovesAThumbnailNoRowNames) {
  auto pdf = sv_.documents().Upload(cd_test::Admin(), bob_, id_card_.id, ValidInput());
  ASSERT_OK(pdf);
  ASSERT_EQ(pdf->files.size(), 1u);
  ASSERT_TRUE(pdf->files[0].thumbnail_key.empty());
  auto photo = sv_.documents().Upload(cd_test::Admin(), bob_, contract_.id,
                                      Input({cd_test::MakePng(400, 300)}, {}));
  ASSERT_OK(photo);
  ASSERT_EQ(photo->files.size(), 1u);
  ASSERT_FALSE(photo->files[0].thumbnail_key.empty());
  // Beside the PDF's blob, a thumbnail its row does not name (left by a crash).
  const std::string& blob = pdf->files[0].storage_key;
  fs::path stray = host_.DataDir() / (blob.substr(0, blob.size() - 4) + ".thumb.jpg");
  cd_test::WriteFile(stray, "jpeg");
  auto old = fs::file_time_type::clock::now() - std::chrono::hours(2);
  for (const std::string& f : cd_test::ListFiles(FilesDir()))
    fs::last_write_time(FilesDir() / f, old);

  auto removed = sv_.documents().Scrub();
  ASSERT_OK(removed);
  EXPECT_EQ(removed->orphans_removed, 1);
  EXPECT_EQ(removed->temp_removed, 0);
  EXPECT_FALSE(fs::exists(stray));
  EXPECT_EQ(cd_test::ListFiles(FilesDir() / std::to_string(bob_)).size(), 3u);
  EXPECT_OK(sv_.documents().OpenThumbnail(cd_test::Admin(), bob_, photo->files[0].id));
}

TEST_F(DocumentServiceTest, ConcurrentUploadsOfOneDocumentAllLand) {
  constexpr int kThreads = 4;
  std::vector<UploadInput> inputs;
  for (int i = 0; i < kThreads; ++i) inputs.push_back(ValidInput());
  std::vector<crm::Status> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[i] = sv_.documents()
                       .Upload(cd_test::Admin(), ann_, id_card_.id, std::move(inputs[i]))
                       .status();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_TRUE(r.ok()) << r.ToString();
  // One current version, every other one archived, no blob lost or orphaned.
  EXPECT_EQ(sv_.documents().ListArchive(cd_test::Admin(), ann_, id_card_.id)->size(),
            kThreads - 1u);
  auto rows = host_.Db().QueryOne("SELECT COUNT(*) FROM cd_files WHERE client_id = ?", {ann_});
  EXPECT_EQ((*rows)->Int(0), kThreads);
  EXPECT_EQ(cd_test::ListFiles(FilesDir() / std::to_string(ann_)).size(),
            static_cast<size_t>(kThreads));
  EXPECT_TRUE(cd_test::ListFiles(host_.DataDir() / "tmp").empty());
}

TEST_F(DocumentServiceTest, CompletenessCountsActiveRequiredTypes) {
  auto c = sv_.documents().CountFor(ann_);
  ASSERT_OK(c);
  EXPECT_EQ(c->required_total, 1);
  EXPECT_EQ(c->required_uploaded, 0);
  EXPECT_FALSE(c->complete());
  ASSERT_OK(sv_.documents().Upload(cd_test::Client(ann_), ann_, id_card_.id, ValidInput()));
  c = sv_.documents().CountFor(ann_);
  EXPECT_EQ(c->required_uploaded, 1);
  EXPECT_EQ(c->uploaded_total, 1);
  EXPECT_TRUE(c->complete());
}

}  // namespace
}  // namespace cd
