// tests/bench/bench_util.h — shared pieces of the benchmarks: a scratch data folder, an admin token
// (the CLI of tests/support/e2e_env.h), percentiles, peak RSS of a process. Benchmarks print
// figures; they assert nothing about speed.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/e2e_env.h"
#include "tests/support/host_process.h"

namespace bench {

// The command line as "--name value" pairs: `set(name, value)` takes one and says whether it
// knows the name; an unknown name, or a name without its value (a lone "--help" too), ends the
// bench with a message before it seeds anything.
inline void ForEachOption(int argc, char** argv,
                          const std::function<bool(std::string_view, const char*)>& set) {
  auto stop = [&](const std::string& what) {
    std::fprintf(stderr, "%s: %s\n", argv[0], what.c_str());
    std::exit(1);
  };
  if (argc % 2 == 0) stop(std::string("option without a value: ") + argv[argc - 1]);
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!set(argv[i], argv[i + 1])) stop(std::string("unknown option ") + argv[i]);
  }
}

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
// Throws when the CLI exits non-zero.
inline std::string AdminToken(const std::filesystem::path& data) {
  const std::filesystem::path binary = crm_test::DefaultSampleHostPath();
  crm_test::CliResult r =
      crm_test::CreateAdmin(binary, data, "bench@example.com", "bench-password-123456");
  if (r.code != 0)
    throw std::runtime_error("create-admin failed (" + std::to_string(r.code) + "): " + r.output);
  r = crm_test::CreateToken(binary, data, "bench@example.com", "");
  if (r.code != 0)
    throw std::runtime_error("create-token failed (" + std::to_string(r.code) + "): " + r.output);
  return LastLine(r.output);
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

// Resident set size of a live process now, in KiB (VmRSS), or -1.
inline long RssKib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (f >> key) {
    if (key == "VmRSS:") {
      long kib = -1;
      f >> kib;
      return kib;
    }
    f.ignore(1 << 16, '\n');
  }
  return -1;
}

// Starts the peak (VmHWM) afresh from the current RSS (Linux >= 4.0, clear_refs "5"), so a
// phase's peak is not the start-up's. False when the kernel refused.
inline bool ResetPeakRss(pid_t pid) {
  std::ofstream f("/proc/" + std::to_string(pid) + "/clear_refs");
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

// The CPU time `pid` has used so far (user + system), in seconds: on a shared machine a
// server's CPU per request or per GiB moves far less with the load than its wall time. With
// `reaped`, the children it waited for too (cutime, cstime); `*parent` gets its parent's pid.
inline double ProcessCpuSeconds(pid_t pid, bool reaped = false, pid_t* parent = nullptr) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; rest >> field && i <= 17; ++i) {
    if (i == 4 && parent != nullptr) *parent = static_cast<pid_t>(std::atol(field.c_str()));
    if (i == 14 || i == 15 || (reaped && i >= 16)) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline double SecondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace bench
