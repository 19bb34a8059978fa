// tests/support/host_process.cc — posix_spawn of sample-host with stdout+stderr on one pipe, a
// reader thread that keeps the output, and SIGTERM/waitpid on stop. No Beast.
#include "tests/support/host_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <regex>

extern char** environ;

namespace crm_test {

std::filesystem::path DefaultSampleHostPath() {
  if (const char* env = std::getenv("CRM_SAMPLE_HOST"); env && *env) return env;
#ifdef CRM_BUILD_DIR
  const std::filesystem::path build = CRM_BUILD_DIR;
#else
  const std::filesystem::path build = "build";
#endif
  return build / "sample-host";  // SPEC §5
}

crm::Result<std::unique_ptr<HostProcess>> HostProcess::Start(Options options) {
  std::vector<std::string> args{options.binary.string()};
  if (!options.raw_args.empty()) {
    args.insert(args.end(), options.raw_args.begin(), options.raw_args.end());
  } else {
    if (options.data_dir.empty()) return crm::InvalidArgument("HostProcess: data_dir is required");
    args.insert(args.end(), {"serve", "--data", options.data_dir.string(), "--port", "0"});
    args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return crm::Internal(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    return crm::Internal("cannot start " + args[0] + ": " + std::strerror(rc));
  }

  std::unique_ptr<HostProcess> p(new HostProcess());
  p->pid_ = pid;
  p->out_fd_ = fds[0];

  // Read line by line until the listening line, the end of output or the deadline.
  static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  std::string pending;
  while (p->port_ == 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{p->out_fd_, POLLIN, 0};
    int pr = poll(&pfd, 1, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) break;
    char buf[4096];
    ssize_t n = read(p->out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child closed its output: it exited
    {
      std::lock_guard<std::mutex> lock(p->mu_);
      p->output_.append(buf, static_cast<size_t>(n));
    }
    pending.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      std::smatch m;
      if (std::regex_search(line, m, kListening)) {
        int port = std::atoi(m[1].str().c_str());
        if (port > 0 && port < 65536) p->port_ = static_cast<uint16_t>(port);
        break;
      }
    }
  }
  if (p->port_ == 0) {
    std::string seen = p->Output();
    p->Stop(std::chrono::seconds(5));
    return crm::Unavailable("sample-host did not print its listening line; output:\n" + seen);
  }
  p->reader_ = std::thread([raw = p.get()] { raw->ReadLoop(); });
  return p;
}

void HostProcess::ReadLoop() {
  char buf[4096];
  while (true) {
    ssize_t n = read(out_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    output_.append(buf, static_cast<size_t>(n));
  }
}

std::string HostProcess::Output() const {
  std::lock_guard<std::mutex> lock(mu_);
  return output_;
}

int HostProcess::Stop(std::chrono::seconds grace) {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    while (true) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        wait_status_ = status;
        break;
      }
      if (r < 0 && errno != EINTR) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        kill(pid_, SIGKILL);
        if (waitpid(pid_, &status, 0) == pid_) wait_status_ = status;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    if (reader_.joinable()) reader_.join();  // the pipe closes with the child
    if (out_fd_ >= 0) close(out_fd_);
    out_fd_ = -1;
    return wait_status_;
  }
  return -1;
}

HostProcess::~HostProcess() { Stop(); }

}  // namespace crm_test
