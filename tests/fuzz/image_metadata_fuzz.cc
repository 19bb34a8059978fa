// tests/fuzz/image_metadata_fuzz.cc — libFuzzer target: StripLocationMetadata on a file holding
// the input, as a JPEG, a PNG, a WebP and a HEIF. Checks: no crash, no sanitizer report, that
// a failed or unchanged run leaves the file byte for byte as it was, and that a changed one
// only lost bytes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "plugin/image_metadata.h"

namespace {

std::filesystem::path scratch_dir;  // removed at exit

void RemoveScratch() {
  std::error_code ec;
  std::filesystem::remove_all(scratch_dir, ec);
}

std::filesystem::path Scratch() {
  // tmpfs when there is one: the function fsyncs every file it rewrites, which on a disk
  // would cost most of the run.
  static const std::filesystem::path dir = [] {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    std::filesystem::path d = base / ("image_metadata_fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    scratch_dir = d;
    std::atexit(RemoveScratch);
    return d;
  }();
  return dir / "input.bin";
}

void Write(const std::filesystem::path& path, const uint8_t* data, size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::filesystem::path path = Scratch();
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (const char* mime : {"image/jpeg", "image/png", "image/webp", "image/heic"}) {
    Write(path, data, size);
    crm::Result<cd::StripReport> report = cd::StripLocationMetadata(path, mime);
    bool changed = report.ok() && report->changed;
    if (!changed && Read(path) != input) __builtin_trap();              // untouched unless changed
    if (changed && Read(path).size() > input.size()) __builtin_trap();  // only removes bytes
  }
  return 0;
}
