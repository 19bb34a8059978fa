// sample-host/core/smtp_sender.cc — the outbox's SMTP transport over libcurl (the only file that
// includes curl): one attempt per queued message, sorted into sent/, failed/ or "try again later".
#include "sample-host/core/smtp_sender.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <system_error>
#include <tuple>
#include <vector>

#include "sample-host/core/logger.h"
#include "sample-host/core/mailer.h"
#include "text/text.h"

namespace host {
namespace {

namespace fs = std::filesystem;
constexpr char kComponent[] = "mail";

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         crm::text::EqualsIgnoreCaseAscii(s.substr(0, prefix.size()), prefix);
}

std::string Seconds(std::chrono::milliseconds d) {
  if (d < std::chrono::seconds(1)) return std::to_string(d.count()) + " ms";
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

void SyncFolder(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

// One queued message: "<unix time>-<random>.eml", oldest first (time, then modification
// time for messages of the same second, then name).
struct Queued {
  int64_t unix_time;
  int64_t mtime_ns;
  std::string name;
  bool operator<(const Queued& o) const {
    return std::tie(unix_time, mtime_ns, name) < std::tie(o.unix_time, o.mtime_ns, o.name);
  }
};

std::vector<Queued> ListQueued(const fs::path& outbox) {
  std::vector<Queued> out;
  std::error_code ec;
  for (fs::directory_iterator it(outbox, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.' || it->path().extension() != ".eml")
      continue;  // .tmp-*: being written
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    int64_t t = 0;
    for (char c : name) {
      if (c < '0' || c > '9' || t > INT64_MAX / 10 - 10) break;
      t = t * 10 + (c - '0');
    }
    out.push_back(
        {t, static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec, name});
  }
  std::sort(out.begin(), out.end());
  return out;
}

// What one SMTP conversation came to.
enum class Outcome {
  kDelivered,
  kRejected,     // 5xx to MAIL FROM, RCPT TO or the message: never deliverable as is
  kDeferred,     // 4xx to MAIL FROM, RCPT TO or the message: this message, later
  kUnreachable,  // connection, TLS, login, greeting: the server, later
  kStopped,      // aborted by Stop()
};

struct Attempt {
  Outcome outcome;
  std::string error;  // for the log; never holds the password
};

struct Transfer {
  std::string_view body;
  size_t sent = 0;
  const std::atomic<bool>* stop = nullptr;
  bool envelope_started = false;  // MAIL FROM went out: a reply now concerns this message
  std::string last_reply;         // the server's last line, for the log
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = std::min(size * count, t->body.size() - t->sent);
  std::memcpy(buffer, t->body.data() + t->sent, n);
  t->sent += n;
  return n;
}

int Progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<Transfer*>(user)->stop->load() ? 1 : 0;
}

// Watches the conversation (curl passes it here only with CURLOPT_VERBOSE): which command
// went out last, and the server's last reply. Commands are never kept (AUTH carries the
// password).
int Debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT && StartsWithNoCase(text, "MAIL FROM:"))
    t->envelope_started = true;
  if (type == CURLINFO_HEADER_IN) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    t->last_reply = std::string(text.substr(0, 200));
  }
  return 0;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Attempt SendOne(const SmtpOptions& o, const std::string& from, const std::string& to,
                std::string_view message, const std::atomic<bool>& stop) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return {Outcome::kUnreachable, "curl_easy_init failed"};
  Transfer t;
  t.body = message;
  t.stop = &stop;
  const std::string mail_from = "<" + from + ">";
  const std::string rcpt_to = "<" + to + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, rcpt_to.c_str());
  char error[CURL_ERROR_SIZE] = {0};
  const bool tls = StartsWithNoCase(o.url, "smtps://") || o.starttls;

  curl_easy_setopt(curl, CURLOPT_URL, o.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(o.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(o.transfer_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_USE_SSL,
                   tls ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_NONE));
  if (!o.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, o.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, o.password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
  curl_easy_setopt(curl, CURLOPT_READDATA, &t);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, Progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);  // to Debug, not stderr
  curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, Debug);
  curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &t);

  CURLcode res = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);

  if (res == CURLE_OK) return {Outcome::kDelivered, ""};
  if (res == CURLE_ABORTED_BY_CALLBACK) return {Outcome::kStopped, "stopped"};
  std::string why = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(res));
  if (!t.last_reply.empty() && code != 0) why += " (server: \"" + t.last_reply + "\")";
  if (t.envelope_started && code >= 500 && code <= 599) return {Outcome::kRejected, why};
  if (t.envelope_started && code >= 400 && code <= 499) return {Outcome::kDeferred, why};
  return {Outcome::kUnreachable, why};
}

}  // namespace

crm::Status CheckSmtpUrl(std::string_view url) {
  std::string_view rest;
  if (StartsWithNoCase(url, "smtp://")) {
    rest = url.substr(7);
  } else if (StartsWithNoCase(url, "smtps://")) {
    rest = url.substr(8);
  } else {
    return crm::InvalidArgument(
        "SMTP URL \"" + std::string(url) +
        "\" must start with smtp:// or smtps:// (e.g. smtp://mail.example.com:587)");
  }
  for (char c : url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f)
      return crm::InvalidArgument("the SMTP URL holds a space or a control character");
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    // Not echoed: it may hold a password.
    return crm::InvalidArgument(
        "the SMTP URL must not hold credentials: use --smtp-user and the CRM_SMTP_PASSWORD "
        "environment variable");
  }
  if (authority.empty() || authority.front() == ':') {
    return crm::InvalidArgument("SMTP URL \"" + std::string(url) + "\" names no server");
  }
  return crm::Status::Ok();
}

crm::Result<std::string> RecipientOfMessage(std::string_view message) {
  std::optional<std::string> to;
  size_t pos = 0;
  while (pos < message.size()) {
    size_t eol = message.find('\n', pos);
    std::string_view line =
        message.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the header
    if (StartsWithNoCase(line, "To:")) {
      if (to) return crm::InvalidArgument("the message has more than one To: header");
      std::string_view value = line.substr(3);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
      // A folded (continued) To: would mean more than one plain address.
      size_t next = eol == std::string_view::npos ? message.size() : eol + 1;
      if (next < message.size() && (message[next] == ' ' || message[next] == '\t')) {
        return crm::InvalidArgument("the message's To: header is folded");
      }
      if (!IsPlainMailAddress(value)) {
        return crm::InvalidArgument("the message's To: header is not one plain address");
      }
      to = std::string(value);
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  if (!to) return crm::InvalidArgument("the message has no To: header");
  return *to;
}

SmtpSender::SmtpSender(fs::path outbox, std::string envelope_from, SmtpOptions options,
                       Logger& logger)
    : outbox_(std::move(outbox)),
      envelope_from_(std::move(envelope_from)),
      options_(std::move(options)),
      logger_(logger) {}

SmtpSender::~SmtpSender() { Stop(); }

crm::Status SmtpSender::Start() {
  CRM_RETURN_IF_ERROR(CheckSmtpUrl(options_.url));
  if (!IsPlainMailAddress(envelope_from_)) {
    return crm::InvalidArgument("MAIL FROM \"" + envelope_from_ + "\" is not one plain address");
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable() || stop_) return crm::Conflict("the SMTP sender is already started");
  InitCurlOnce();  // before the thread: curl_global_init is not thread-safe everywhere
  const bool tls = StartsWithNoCase(options_.url, "smtps://") || options_.starttls;
  if (!options_.user.empty() && !tls) {
    logger_.Warn(kComponent,
                 "SMTP login without TLS: the password crosses the network in clear "
                 "(use smtps:// or --smtp-starttls)");
  }
  thread_ = std::thread([this] { Run(); });
  return crm::Status::Ok();
}

void SmtpSender::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void SmtpSender::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void SmtpSender::Run() {
  using SteadyClock = std::chrono::steady_clock;
  std::chrono::milliseconds backoff{0};
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stop_) {
    woken_ = false;
    const std::chrono::milliseconds next_backoff =
        backoff.count() == 0 ? options_.first_retry : std::min(backoff * 2, options_.max_retry);
    lock.unlock();
    RoundResult round = DeliverQueued(next_backoff);
    lock.lock();
    if (stop_ || round == RoundResult::kStopped) break;
    if (round == RoundResult::kAllDone) {
      backoff = std::chrono::milliseconds(0);
      // Nothing left: sleep until the next Send (or a slow rescan, in case files were added
      // by hand).
      cv_.wait_for(lock, options_.max_retry, [this] { return stop_.load() || woken_; });
      continue;
    }
    backoff = next_backoff;
    const auto failed_at = SteadyClock::now();
    // Not before first_retry whatever happens; then a new message ends the wait early.
    cv_.wait_until(lock, failed_at + std::min(options_.first_retry, backoff),
                   [this] { return stop_.load(); });
    cv_.wait_until(lock, failed_at + backoff, [this] { return stop_.load() || woken_; });
  }
}

SmtpSender::RoundResult SmtpSender::DeliverQueued(std::chrono::milliseconds next_backoff) {
  bool retry_later = false;
  for (const Queued& q : ListQueued(outbox_)) {
    if (stop_) return RoundResult::kStopped;
    const fs::path file = outbox_ / q.name;
    if (delivered_unmoved_.count(q.name)) {
      if (MoveTo(file, "sent")) delivered_unmoved_.erase(q.name);
      continue;
    }
    std::string message;
    {
      std::ifstream in(file, std::ios::binary);
      if (!in) continue;  // gone meanwhile
      message.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (in.bad()) {
        logger_.Error(kComponent, q.name + ": cannot read the queued message; next try in " +
                                      Seconds(next_backoff));
        retry_later = true;
        continue;
      }
    }
    auto to = RecipientOfMessage(message);
    if (!to.ok()) {
      logger_.Error(kComponent, q.name + ": not sent, moved to failed/: " + to.status().message());
      MoveTo(file, "failed");
      continue;
    }
    Attempt a = SendOne(options_, envelope_from_, *to, message, stop_);
    switch (a.outcome) {
      case Outcome::kDelivered:
        if (!MoveTo(file, "sent")) delivered_unmoved_.insert(q.name);
        break;
      case Outcome::kRejected:
        logger_.Error(kComponent,
                      q.name + ": refused by the SMTP server, moved to failed/: " + a.error);
        MoveTo(file, "failed");
        break;
      case Outcome::kDeferred:
        logger_.Warn(kComponent, q.name + ": deferred by the SMTP server, next try in " +
                                     Seconds(next_backoff) + ": " + a.error);
        retry_later = true;
        break;  // the next message may go through
      case Outcome::kUnreachable:
        logger_.Warn(kComponent, q.name + ": SMTP delivery failed, next try in " +
                                     Seconds(next_backoff) + ": " + a.error);
        return RoundResult::kRetryLater;  // the server, not the message: the rest would fail too
      case Outcome::kStopped:
        return RoundResult::kStopped;
    }
  }
  return retry_later ? RoundResult::kRetryLater : RoundResult::kAllDone;
}

// Renames `file` into `<outbox>/<folder>/`, durably (both folders synced). Logs a failure.
bool SmtpSender::MoveTo(const fs::path& file, const char* folder) {
  const fs::path dir = outbox_ / folder;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    logger_.Error(kComponent, "creating " + dir.string() + ": " + ec.message());
    return false;
  }
  ::chmod(dir.c_str(), 0700);
  const fs::path target = dir / file.filename();
  if (::rename(file.c_str(), target.c_str()) != 0) {
    logger_.Error(kComponent, "moving " + file.filename().string() + " to " + folder +
                                  "/: " + std::strerror(errno));
    return false;
  }
  SyncFolder(dir);
  SyncFolder(outbox_);
  return true;
}

}  // namespace host
