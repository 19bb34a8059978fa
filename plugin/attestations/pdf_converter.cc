// plugin/attestations/pdf_converter.cc — spawn (posix_spawn, own process group, a socketpair on
// the worker's stdin/stdout), a line protocol with deadlines (poll), kill -9 of the group on
// a timeout, temp files removed whatever happens.
#include "plugin/attestations/pdf_converter.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

extern char** environ;

namespace cd::attestations {
namespace fs = std::filesystem;
namespace {

constexpr char kRetry[] = "the PDF could not be made; please try again";

crm::Result<std::string> ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return crm::Unavailable("no PDF was written");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

crm::Status WriteFile(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return crm::Internal("cannot write " + p.string());
  return crm::Status::Ok();
}

}  // namespace

bool LooksLikePdf(std::string_view bytes) {
  if (bytes.size() < 64 || bytes.substr(0, 5) != "%PDF-") return false;
  std::string_view tail = bytes.substr(bytes.size() - std::min<size_t>(bytes.size(), 1024));
  return tail.find("%%EOF") != std::string_view::npos;
}

PdfConverter::PdfConverter(PdfConverterOptions options) : options_(std::move(options)) {}

PdfConverter::~PdfConverter() {
  std::lock_guard<std::mutex> lock(mu_);
  StopLocked();
}

crm::Status PdfConverter::Warm() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pid_ > 0) return crm::Status::Ok();
  return StartLocked();
}

crm::Status PdfConverter::StartLocked() {
  std::error_code ec;
  fs::path profile = options_.work_dir / ("profile-" + std::to_string(starts_ + 1));
  fs::remove_all(profile, ec);
  fs::create_directories(profile, ec);
  if (ec) return crm::Internal("cannot create " + profile.string() + ": " + ec.message());
  std::vector<std::string> args = options_.command;
  for (auto& a : args) {
    if (a == "{profile}") a = profile.string();
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return crm::Internal("socketpair failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, sv[1], STDOUT_FILENO);
  std::string log = (options_.work_dir / "worker.log").string();
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The host ignores SIGPIPE (its sockets); the worker gets the default back, so that it ends
  // when its host has gone and the socket pair is broken.
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &default_signals);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    return crm::Unavailable("cannot start the PDF worker " + args[0]);
  }
  pid_ = pid;
  fd_ = sv[0];
  jobs_ = 0;
  buffer_.clear();
  ++starts_;
  auto ready = ReadLineLocked(std::chrono::steady_clock::now() + options_.start_timeout);
  if (!ready.ok() || *ready != "ready") {
    StopLocked();
    return crm::Unavailable("the PDF worker did not start: " +
                            (ready.ok() ? *ready : ready.status().message()));
  }
  return crm::Status::Ok();
}

void PdfConverter::StopLocked() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  pid_t pid = pid_;
  if (pid > 0) {
    ::kill(-pid, SIGKILL);  // the whole group: LibreOffice may have children
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  pid_ = 0;
}

crm::Result<std::string> PdfConverter::ReadLineLocked(
    std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return crm::Unavailable("the PDF worker timed out");
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return crm::Unavailable("the PDF worker timed out");
    char buf[512];
    ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return crm::Unavailable("the PDF worker stopped");
    buffer_.append(buf, static_cast<size_t>(got));
    if (buffer_.size() > 64 * 1024) return crm::Unavailable("the PDF worker talks nonsense");
  }
}

crm::Result<std::string> PdfConverter::RunJobLocked(const fs::path& in, const fs::path& out) {
  if (pid_ <= 0 || jobs_ >= options_.max_jobs) {
    StopLocked();
    CRM_RETURN_IF_ERROR(StartLocked());
  }
  ++jobs_;
  std::string request = in.string() + "\t" + out.string() + "\n";
  if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    StopLocked();
    return crm::Unavailable(kRetry);
  }
  auto reply = ReadLineLocked(std::chrono::steady_clock::now() + options_.job_timeout);
  if (!reply.ok()) {
    StopLocked();  // crashed or hung: a fresh worker for the next job
    return crm::Unavailable(std::string(kRetry) + " (" + reply.status().message() + ")");
  }
  if (*reply != "ok") return crm::Unavailable(std::string(kRetry) + " (" + *reply + ")");
  CRM_ASSIGN_OR_RETURN(std::string pdf, ReadFile(out));
  if (!LooksLikePdf(pdf)) return crm::Unavailable(std::string(kRetry) + " (not a PDF)");
  return pdf;
}

crm::Result<std::string> PdfConverter::Convert(std::string_view document,
                                               std::string_view extension) {
  if (extension != "docx" && extension != "odt")
    return crm::InvalidArgument("only .docx and .odt convert");
  std::lock_guard<std::mutex> lock(mu_);
  std::error_code ec;
  fs::create_directories(options_.work_dir, ec);
  std::string stem = "job-" + std::to_string(::getpid()) + "-" + std::to_string(++next_job_);
  fs::path in = options_.work_dir / (stem + "." + std::string(extension));
  fs::path out = options_.work_dir / (stem + ".pdf");
  crm::Status written = WriteFile(in, document);
  crm::Result<std::string> pdf =
      written.ok() ? RunJobLocked(in, out) : crm::Result<std::string>(written);
  fs::remove(in, ec);  // no temp file stays, whatever happened
  fs::remove(out, ec);
  return pdf;
}

}  // namespace cd::attestations
