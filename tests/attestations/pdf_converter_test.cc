// tests/attestations/pdf_converter_test.cc — the PDF worker's supervisor (SPEC AT3): a real
// conversion by cd-pdf-worker (LibreOfficeKit) to a PDF/A, and with a fake worker: a crash and
// a hang each fail the job cleanly, leave no temp file and get a fresh worker; a worker is
// replaced after max_jobs.
#include "plugin/attestations/pdf_converter.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "plugin/attestations/template_doc.h"
#include "tests/attestations/template_fixtures.h"

namespace cd::attestations {
namespace {
namespace fs = std::filesystem;

fs::path TempDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("cd-pdf-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A shell worker: answers like cd-pdf-worker, writes a tiny PDF; "crash" in the input's
// content exits, "hang" sleeps.
fs::path FakeWorker(const fs::path& dir) {
  fs::path script = dir / "fake-worker.sh";
  std::ofstream(script) << "#!/bin/sh\necho ready\n"
                           "while IFS='\t' read -r in out; do\n"
                           "  if grep -q crash \"$in\"; then exit 3; fi\n"
                           "  if grep -q hang \"$in\"; then sleep 30; fi\n"
                           "  printf '%%PDF-1.7\\n%%%% fake fake fake fake fake fake fake fake "
                           "fake fake fake\\n%%%%EOF\\n' > \"$out\"\n"
                           "  echo ok\n"
                           "done\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

size_t JobFiles(const fs::path& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("job-", 0) == 0) ++n;
  }
  return n;
}

TEST(PdfConverter, RealWorkerMakesAPdfA) {
  fs::path dir = TempDir("real");
  PdfConverter converter({{CD_TEST_PDF_WORKER, "--profile", "{profile}"}, dir});
  std::string docx = cd_test::MakeDocx(cd_test::DocxParagraph({"Attestation {{motif}}"}));
  auto filled = FillTemplate(docx, {{"motif", "test"}});
  ASSERT_TRUE(filled.ok());
  auto pdf = converter.Convert(*filled, "docx");
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_TRUE(LooksLikePdf(*pdf));
  EXPECT_NE(pdf->find("pdfaid:part"), std::string::npos) << "PDF/A metadata expected";
  auto again = converter.Convert(*filled, "docx");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(converter.starts(), 1) << "the worker stays warm between jobs";
  EXPECT_EQ(JobFiles(dir), 0u);
  fs::remove_all(dir);
}

TEST(PdfConverter, CrashAndHangFailTheJobAndRestartTheWorker) {
  fs::path dir = TempDir("fake");
  PdfConverterOptions o{{FakeWorker(dir).string()}, dir};
  o.job_timeout = std::chrono::milliseconds(500);
  o.max_jobs = 3;
  PdfConverter converter(o);
  ASSERT_TRUE(converter.Convert("fine", "docx").ok());
  EXPECT_EQ(converter.starts(), 1);
  auto crashed = converter.Convert("crash", "docx");
  EXPECT_EQ(crashed.status().code(), crm::StatusCode::kUnavailable);
  EXPECT_EQ(JobFiles(dir), 0u);
  ASSERT_TRUE(converter.Convert("fine", "docx").ok());
  EXPECT_EQ(converter.starts(), 2) << "a fresh worker after the crash";
  auto start = std::chrono::steady_clock::now();
  auto hung = converter.Convert("hang", "docx");
  EXPECT_EQ(hung.status().code(), crm::StatusCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(JobFiles(dir), 0u);
  ASSERT_TRUE(converter.Convert("fine", "docx").ok());
  EXPECT_EQ(converter.starts(), 3) << "a fresh worker after the timeout";
  // Killed from outside between jobs: the next job notices and restarts.
  ::kill(converter.worker_pid(), SIGKILL);
  EXPECT_FALSE(converter.Convert("fine", "docx").ok());
  ASSERT_TRUE(converter.Convert("fine", "docx").ok());
  EXPECT_EQ(converter.starts(), 4);
  // max_jobs = 3: the fourth job runs in a new worker.
  ASSERT_TRUE(converter.Convert("fine", "docx").ok());
  ASSERT_TRUE(converter.Convert("fine", "docx").ok());
  ASSERT_TRUE(converter.Convert("fine", "docx").ok());
  EXPECT_EQ(converter.starts(), 5);
  EXPECT_FALSE(converter.Convert("fine", "exe").ok());
  fs::remove_all(dir);
}

TEST(PdfConverter, RecognisesPdfBytes) {
  EXPECT_FALSE(LooksLikePdf("%PDF-1.7 short"));
  EXPECT_FALSE(LooksLikePdf(std::string(100, 'x') + "%%EOF"));
  EXPECT_TRUE(LooksLikePdf("%PDF-1.7\n" + std::string(100, ' ') + "\n%%EOF\n"));
}

}  // namespace
}  // namespace cd::attestations
