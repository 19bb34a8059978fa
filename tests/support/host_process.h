// tests/support/host_process.h — runs the real `sample-host serve` as a child process for
// end-to-end tests: waits for its "listening on" line, keeps its output, stops it with SIGTERM on
// destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host-api/status.h"

namespace crm_test {

// The sample-host binary of this build: $CRM_SAMPLE_HOST if set, else <build>/sample-host.
std::filesystem::path DefaultSampleHostPath();

class HostProcess {
 public:
  struct Options {
    std::filesystem::path binary = DefaultSampleHostPath();
    std::filesystem::path data_dir;       // --data DIR (required)
    std::vector<std::string> extra_args;  // e.g. {"--demo"}
    // Replaces the whole argument list after the binary when not empty (tests of this class).
    std::vector<std::string> raw_args;
    std::chrono::seconds start_timeout{30};
  };

  // Spawns the process and waits for `listening on http://127.0.0.1:N`. On failure the child
  // is killed and the error carries the output seen so far.
  static crm::Result<std::unique_ptr<HostProcess>> Start(Options options);

  ~HostProcess();  // Stop()
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Everything the child wrote to stdout and stderr so far (thread-safe).
  std::string Output() const;
  // SIGTERM, then waits up to `grace` (SIGKILL after). Returns the wait status (see
  // WIFEXITED), or -1 when already stopped. Idempotent.
  int Stop(std::chrono::seconds grace = std::chrono::seconds(30));

 private:
  HostProcess() = default;
  void ReadLoop();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  uint16_t port_ = 0;
  int wait_status_ = -1;
  std::thread reader_;
  mutable std::mutex mu_;
  std::string output_;
};

}  // namespace crm_test
