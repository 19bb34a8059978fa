// plugin/pdf_pages.cc — poppler in a sandboxed subprocess (pdf_pages.h): fork, then in
// the child only system calls (setpgid, setrlimit, dup2, close_range, execve) before the tool
// runs; the parent waits with a deadline and kills the whole group when it passes.
#include "plugin/pdf_pages.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <semaphore>
#include <sstream>
#include <thread>
#include <vector>

#include "plugin/file_store.h"

namespace cd {
namespace fs = std::filesystem;
namespace {

std::counting_semaphore<kMaxConcurrentRenders>& RenderSlots() {
  static std::counting_semaphore<kMaxConcurrentRenders> slots(kMaxConcurrentRenders);
  return slots;
}

// A render slot for the scope of one call.
class SlotHold {
 public:
  explicit SlotHold(std::chrono::milliseconds wait) : held_(RenderSlots().try_acquire_for(wait)) {}
  ~SlotHold() {
    if (held_) RenderSlots().release();
  }
  SlotHold(const SlotHold&) = delete;
  SlotHold& operator=(const SlotHold&) = delete;
  bool held() const { return held_; }

 private:
  bool held_;
};

// A directory of its own under the temp root, removed with everything in it when it goes.
class TempDir {
 public:
  explicit TempDir(const fs::path& root) {
    std::string name = RandomHex(16);
    if (name.empty()) return;
    std::error_code ec;
    fs::create_directories(root, ec);
    fs::path p = root / ("render-" + name);
    if (!ec && fs::create_directory(p, ec) && !ec) {
      fs::permissions(p, fs::perms::owner_all, ec);
      path_ = p;
    }
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The tool `name` in the usual directories ("" when absent).
std::string ToolPath(const char* name) {
  for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/bin/"}) {
    std::string p = std::string(dir) + name;
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

// In the child after fork: limits, descriptors, then the tool. Only system calls here.
[[noreturn]] void ExecLimited(const RenderLimits& limits, const char* out_path, char** argv,
                              char** envp) {
  ::setpgid(0, 0);
  // The host ignores SIGPIPE (its sockets); the tool gets the default back.
  struct sigaction default_pipe {};
  default_pipe.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &default_pipe, nullptr);
  const rlimit cpu{limits.cpu_seconds, limits.cpu_seconds + 1};
  const rlimit as{limits.address_space, limits.address_space};
  const rlimit fsize{limits.file_size, limits.file_size};
  const rlimit none{0, 0};
  if (::setrlimit(RLIMIT_CPU, &cpu) != 0 || ::setrlimit(RLIMIT_AS, &as) != 0 ||
      ::setrlimit(RLIMIT_FSIZE, &fsize) != 0 || ::setrlimit(RLIMIT_CORE, &none) != 0)
    ::_exit(126);
  int in = ::open("/dev/null", O_RDONLY);
  int out = ::open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int err = ::open("/dev/null", O_WRONLY);
  if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0)
    ::_exit(126);
  ::close_range(3, ~0U, 0);
  ::execve(argv[0], argv, envp);
  ::_exit(127);
}

// Waits for `pid` until `deadline`; kills its group then. The exit status, or -1 when killed
// (timeout, or a signal such as the CPU limit's SIGXCPU). A tool first seen finished after the
// deadline counts as late too, whatever the parent's own scheduling delays.
int WaitOrKill(pid_t pid, std::chrono::steady_clock::time_point deadline) {
  int status = 0;
  for (;;) {
    const bool late = std::chrono::steady_clock::now() >= deadline;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return !late && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (done < 0 && errno != EINTR) return -1;
    if (late) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Runs `args` (args[0] a tool name) inside `dir` with the limits; its stdout goes to
// dir/stdout.txt. The tool's exit status, or -1 when it was killed.
crm::Result<int> RunTool(const RenderLimits& limits, const fs::path& dir,
                         std::vector<std::string> args) {
  args[0] = ToolPath(args[0].c_str());
  if (args[0].empty()) return crm::Unavailable("poppler-utils is not installed");
  std::vector<std::string> env = {"PATH=/usr/bin:/bin", "LANG=C", "HOME=" + dir.string(),
                                  "TMPDIR=" + dir.string()};
  std::vector<char*> argv, envp;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string out = (dir / "stdout.txt").string();
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  pid_t pid = ::fork();
  if (pid < 0) return crm::Unavailable("cannot start poppler");
  if (pid == 0) ExecLimited(limits, out.c_str(), argv.data(), envp.data());
  ::setpgid(pid, pid);  // also from here, so the group exists before a kill
  return WaitOrKill(pid, deadline);
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The object `key` as a file the tools can read: its local path when the store is this disk,
// else a copy in `dir` read through the store (S3).
crm::Result<fs::path> LocalCopy(crm::ObjectStore& objects, std::string_view key,
                                const fs::path& dir) {
  CRM_ASSIGN_OR_RETURN(std::unique_ptr<crm::ObjectReader> reader, objects.Open(key));
  if (std::optional<fs::path> local = reader->LocalPath()) return *local;
  const fs::path copy = dir / "document.pdf";
  std::ofstream out(copy, std::ios::binary | std::ios::trunc);
  std::string buffer(1 << 20, '\0');
  for (;;) {
    CRM_ASSIGN_OR_RETURN(size_t n, reader->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    out.write(buffer.data(), static_cast<std::streamsize>(n));
  }
  out.close();
  if (!out) return crm::Internal("cannot write the document to render");
  return copy;
}

// "Pages:           12" in pdfinfo's output.
int PagesOf(const std::string& info) {
  std::istringstream lines(info);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("Pages:", 0) != 0) continue;
    return std::atoi(line.c_str() + 6);
  }
  return 0;
}

crm::Result<int> CountIn(const RenderLimits& limits, const fs::path& dir, const fs::path& pdf) {
  CRM_ASSIGN_OR_RETURN(int rc, RunTool(limits, dir, {"pdfinfo", "--", pdf.string()}));
  const int pages = rc == 0 ? PagesOf(ReadAll(dir / "stdout.txt")) : 0;
  if (pages <= 0) return crm::Unprocessable("the PDF cannot be read");
  return pages;
}

}  // namespace

bool IsPng(std::string_view bytes) { return bytes.substr(0, 8) == "\x89PNG\r\n\x1a\n"; }

PdfPages::PdfPages(fs::path temp_root, crm::ObjectStore& objects, RenderLimits limits)
    : temp_root_(std::move(temp_root)), objects_(objects), limits_(limits) {}

crm::Result<int> PdfPages::PageCount(std::string_view key) {
  SlotHold slot(limits_.queue_wait);
  if (!slot.held()) return crm::Unavailable("too many documents are being shown; try again");
  TempDir dir(temp_root_);
  if (dir.path().empty()) return crm::Internal("cannot make a temp directory to render in");
  CRM_ASSIGN_OR_RETURN(fs::path pdf, LocalCopy(objects_, key, dir.path()));
  return CountIn(limits_, dir.path(), pdf);
}

crm::Result<std::string> PdfPages::RenderPage(std::string_view key, int page) {
  if (page < 1) return crm::NotFound("no such page");
  SlotHold slot(limits_.queue_wait);
  if (!slot.held()) return crm::Unavailable("too many documents are being shown; try again");
  TempDir dir(temp_root_);
  if (dir.path().empty()) return crm::Internal("cannot make a temp directory to render in");
  CRM_ASSIGN_OR_RETURN(fs::path pdf, LocalCopy(objects_, key, dir.path()));
  CRM_ASSIGN_OR_RETURN(int pages, CountIn(limits_, dir.path(), pdf));
  if (page > pages) return crm::NotFound("no such page");
  const std::string n = std::to_string(page);
  const fs::path stem = dir.path() / "page";
  CRM_ASSIGN_OR_RETURN(
      int rc, RunTool(limits_, dir.path(),
                      {"pdftoppm", "-png", "-f", n, "-l", n, "-singlefile", "-scale-to",
                       std::to_string(kPageRenderPixels), "--", pdf.string(), stem.string()}));
  std::string png = rc == 0 ? ReadAll(stem.string() + ".png") : std::string();
  if (!IsPng(png)) return crm::Unprocessable("the page cannot be rendered");
  return png;
}

}  // namespace cd
