// tests/bench/bench_util.h — shared pieces of the benchmarks: a scratch data folder, running the
// sample-host CLI, percentiles, peak RSS of a process. Benchmarks print figures; they assert nothing about speed.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/host_process.h"

namespace bench {

// A fresh folder under $TMPDIR, removed on destruction unless BENCH_KEEP is set.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& stem) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (stem + "-XXXXXX")).string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~ScratchDir() {
    if (!std::getenv("BENCH_KEEP")) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs `sample-host ARGS` with `stdin_text` on its standard input; returns its stdout.
// Throws when it exits non-zero.
inline std::string RunCli(const std::string& args, const std::string& stdin_text = "") {
  std::filesystem::path in = std::filesystem::temp_directory_path() /
                             ("bench-stdin-" + std::to_string(getpid()));
  { std::ofstream(in) << stdin_text; }
  std::string cmd = "'" + crm_test::DefaultSampleHostPath().string() + "' " + args + " < '" +
                    in.string() + "'";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  std::filesystem::remove(in);
  if (rc != 0) throw std::runtime_error("command failed (" + std::to_string(rc) + "): " + cmd + "\n" + out);
  return out;
}

// The last non-empty line of `text` (create-token prints the token last).
inline std::string LastLine(const std::string& text) {
  std::istringstream s(text);
  std::string line, last;
  while (std::getline(s, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) last = line;
  }
  return last;
}

// Creates an admin and an all-scopes token in `data`; returns the token.
inline std::string AdminToken(const std::filesystem::path& data) {
  RunCli("create-admin --data '" + data.string() + "' --email bench@example.com",
         "bench-password-123456\n");
  return LastLine(RunCli("create-token --data '" + data.string() + "' --email bench@example.com"));
}

// Value at quantile q (0..1) of `samples`, in the same unit.
inline double Percentile(std::vector<double> samples, double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  size_t i = static_cast<size_t>(q * static_cast<double>(samples.size() - 1) + 0.5);
  return samples[std::min(i, samples.size() - 1)];
}

// Peak resident set size of a live process, in KiB (VmHWM), or -1.
inline long PeakRssKib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (f >> key) {
    if (key == "VmHWM:") {
      long kib = -1;
      f >> kib;
      return kib;
    }
    f.ignore(1 << 16, '\n');
  }
  return -1;
}

inline double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace bench
