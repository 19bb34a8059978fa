// plugin/pdf_pages.h — a PDF's pages as PNG images for the "view only" page (issue 12,
// PT2), made by poppler's command-line tools (pdfinfo, pdftoppm) in a subprocess and treated as
// hostile input: each call has its own temp directory under <data>/tmp (generated name, removed
// afterwards, also on failure; a crash's leftover goes with the store's scrub), its own process
// group killed at a wall-clock timeout, rlimits (CPU seconds, address space, file size, no core),
// no inherited descriptor, a small environment, one page per call, and at most
// kMaxConcurrentRenders calls at once in the process (others wait, then kUnavailable). Nothing
// is cached on disk: nothing to forget when a file or a client is deleted.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "host-api/object_store.h"
#include "host-api/status.h"

namespace cd {

inline constexpr int kMaxConcurrentRenders = 2;
// The longest side of a rendered page, in pixels (an A4 page: 990 × 1400).
inline constexpr int kPageRenderPixels = 1400;

struct RenderLimits {
  std::chrono::milliseconds timeout{20000};  // wall clock, then SIGKILL of the group
  uint64_t cpu_seconds = 10;
  uint64_t address_space = 768ULL << 20;
  uint64_t file_size = 64ULL << 20;             // any file the tool writes
  std::chrono::milliseconds queue_wait{15000};  // waiting for a free render slot
};

// A PDF in the object store, read page by page. `temp_root` is the module's <data>/tmp.
class PdfPages {
 public:
  PdfPages(std::filesystem::path temp_root, crm::ObjectStore& objects,
           RenderLimits limits = RenderLimits());

  // The number of pages of the object `key`. kUnprocessable when poppler cannot read it (a
  // damaged or empty PDF) or it has no page; kUnavailable when every render slot stays busy or
  // the tools are missing; the store's errors as they are.
  crm::Result<int> PageCount(std::string_view key);
  // Page `page` (1-based) as PNG bytes, its longest side kPageRenderPixels. kNotFound for a page
  // the PDF does not have; kUnprocessable when poppler fails on it (or times out); as PageCount.
  crm::Result<std::string> RenderPage(std::string_view key, int page);

 private:
  std::filesystem::path temp_root_;
  crm::ObjectStore& objects_;
  RenderLimits limits_;
};

// True when `bytes` start with the PNG signature.
bool IsPng(std::string_view bytes);

}  // namespace cd
