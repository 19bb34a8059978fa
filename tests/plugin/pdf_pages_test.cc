// tests/plugin/pdf_pages_test.cc — a PDF's pages rendered by poppler in a sandbox
// (plugin/pdf_pages.h): page count, one PNG a page, 404 past the end, a damaged PDF
// refused as unprocessable, the wall-clock timeout and the address-space limit in force, and
// no temp directory left behind whatever happened.
#include "plugin/pdf_pages.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/plugin/test_env.h"
#include "tests/support/status_matchers.h"

namespace cd {
namespace {

// Two empty A4 pages, without a cross-reference table (poppler rebuilds it).
constexpr char kTwoPages[] =
    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    "2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n"
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    "4 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    "trailer << /Root 1 0 R >>\n%%EOF\n";
constexpr char kDamaged[] = "%PDF-1.4\nthis is not a document at all\n%%EOF\n";

class PdfPagesTest : public ::testing::Test {
 protected:
  void Put(const std::string& key, const std::string& bytes) {
    auto writer = objects_->Create(key);
    ASSERT_OK(writer);
    ASSERT_OK((*writer)->Write(bytes));
    ASSERT_OK((*writer)->Commit());
  }
  // Whatever is left in the temp root.
  std::vector<std::string> Leftovers() {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(tmp_, ec)) out.push_back(e.path());
    return out;
  }

  cd_test::TempDir dir_;
  std::unique_ptr<crm::ObjectStore> objects_ = cd_test::LocalStore(dir_.path() / "store");
  std::filesystem::path tmp_ = dir_.path() / "tmp";
};

TEST_F(PdfPagesTest, CountsAndRendersOnePageAtATimeLeavingNothing) {
  Put("files/1/two.bin", kTwoPages);
  PdfPages pages(tmp_, *objects_);
  auto count = pages.PageCount("files/1/two.bin");
  ASSERT_OK(count);
  EXPECT_EQ(*count, 2);
  for (int n : {1, 2}) {
    auto png = pages.RenderPage("files/1/two.bin", n);
    ASSERT_OK(png);
    EXPECT_TRUE(IsPng(*png)) << n;
  }
  EXPECT_EQ(pages.RenderPage("files/1/two.bin", 3).status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(pages.RenderPage("files/1/two.bin", 0).status().code(), crm::StatusCode::kNotFound);
  EXPECT_EQ(pages.PageCount("files/1/missing.bin").status().code(), crm::StatusCode::kNotFound);
  EXPECT_TRUE(Leftovers().empty());
}

TEST_F(PdfPagesTest, ADamagedPdfIsUnprocessableAndLeavesNothing) {
  Put("files/1/bad.bin", kDamaged);
  PdfPages pages(tmp_, *objects_);
  EXPECT_EQ(pages.PageCount("files/1/bad.bin").status().code(), crm::StatusCode::kUnprocessable);
  EXPECT_EQ(pages.RenderPage("files/1/bad.bin", 1).status().code(),
            crm::StatusCode::kUnprocessable);
  EXPECT_TRUE(Leftovers().empty());
}

TEST_F(PdfPagesTest, AToolPastItsTimeIsKilledAndItsDirectoryRemoved) {
  Put("files/1/two.bin", kTwoPages);
  RenderLimits limits;
  limits.timeout = std::chrono::milliseconds(1);
  PdfPages pages(tmp_, *objects_, limits);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(pages.PageCount("files/1/two.bin").status().code(), crm::StatusCode::kUnprocessable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(Leftovers().empty());
}

TEST_F(PdfPagesTest, TheAddressSpaceLimitIsInForce) {
  Put("files/1/two.bin", kTwoPages);
  RenderLimits limits;
  limits.address_space = 4ULL << 20;  // too little for poppler to even start
  PdfPages pages(tmp_, *objects_, limits);
  EXPECT_EQ(pages.PageCount("files/1/two.bin").status().code(), crm::StatusCode::kUnprocessable);
  EXPECT_TRUE(Leftovers().empty());
}

}  // namespace
}  // namespace cd
