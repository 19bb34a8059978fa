// sample-host/core/mailer.cc — builds RFC 5322 / MIME messages (RFC 2047 subjects, quoted-printable
// bodies) and writes each one atomically into the outbox: temp file, fsync, rename, fsync folder.
#include "sample-host/core/mailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <system_error>

#include "sample-host/core/clock.h"
#include "sample-host/core/random.h"

namespace host {
namespace {

std::string Base64(std::string_view data) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(data[k])); };
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  size_t left = data.size() - i;
  if (left == 1) {
    uint32_t v = b(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (left == 2) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

bool IsPlainMailAddress(std::string_view a) {
  if (a.empty() || a.size() > 254) return false;
  size_t at = a.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= a.size() ||
      a.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (char c : a) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
    if (std::strchr("<>()[]\\,;:\"", c) != nullptr) return false;
  }
  return true;
}

crm::Result<std::string> EnvelopeAddress(std::string_view from) {
  for (char c : from) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return crm::InvalidArgument("the sender holds a control character");
  }
  std::string_view address = from;
  size_t open = from.rfind('<');
  if (open != std::string_view::npos) {
    size_t close = from.find('>', open);
    if (close == std::string_view::npos || close + 1 != from.size()) {
      return crm::InvalidArgument("sender \"" + std::string(from) +
                                  "\": expected \"Name <address>\" or an address");
    }
    address = from.substr(open + 1, close - open - 1);
  }
  while (!address.empty() && address.front() == ' ') address.remove_prefix(1);
  while (!address.empty() && address.back() == ' ') address.remove_suffix(1);
  if (!IsPlainMailAddress(address)) {
    return crm::InvalidArgument("sender \"" + std::string(from) +
                                "\" holds no plain e-mail address");
  }
  return std::string(address);
}

namespace {

std::string RfcDate(int64_t unix_seconds) {
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                kDays[tm.tm_wday % 7], tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

crm::Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return crm::Internal(std::string("writing mail: ") + std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return crm::Status::Ok();
}

}  // namespace

std::string EncodeHeaderWord(std::string_view text) {
  bool plain = text.find("=?") == std::string_view::npos;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) plain = false;
  }
  if (plain) return std::string(text);
  // Encoded words of at most 39 bytes of UTF-8 (52 base64 chars + 12 of framing), cut
  // only between characters, so each word stays under RFC 2047's 75-character limit.
  constexpr size_t kChunk = 39;
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = std::min(text.size(), pos + kChunk);
    while (end < text.size() && end > pos && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
    if (end == pos) end = std::min(text.size(), pos + kChunk);  // not UTF-8: cut anyway
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(pos, end - pos)) + "?=";
    pos = end;
  }
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t width = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      bool last = i + 1 == line.size();
      std::string piece;
      if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)) {
        piece = std::string(1, static_cast<char>(c));
      } else {
        piece = {'=', kHex[c >> 4], kHex[c & 15]};
      }
      if (width + piece.size() > 75) {  // 75 + the soft-break "=" = 76
        out += "=\r\n";
        width = 0;
      }
      out += piece;
      width += piece.size();
    }
    if (eol == std::string_view::npos) break;
    out += "\r\n";
    pos = eol + 1;
  }
  return out;
}

Mailer::Mailer(std::filesystem::path outbox, std::string from, Clock& clock)
    : outbox_(std::move(outbox)), from_(std::move(from)), clock_(clock) {}

Mailer::~Mailer() { StopSmtp(); }

crm::Status Mailer::StartSmtp(SmtpOptions options, Logger& logger) {
  CRM_ASSIGN_OR_RETURN(auto envelope, EnvelopeAddress(from_));
  std::lock_guard<std::mutex> lock(sender_mutex_);
  if (sender_) return crm::Conflict("SMTP delivery is already started");
  auto sender = std::make_unique<SmtpSender>(outbox_, envelope, std::move(options), logger);
  CRM_RETURN_IF_ERROR(sender->Start());
  sender_ = std::move(sender);
  return crm::Status::Ok();
}

void Mailer::StopSmtp() {
  std::lock_guard<std::mutex> lock(sender_mutex_);
  if (sender_) sender_->Stop();
}

crm::Result<std::string> Mailer::Render(const crm::MailMessage& message,
                                        std::string_view message_id) {
  if (HasLineBreak(message.to) || HasLineBreak(message.subject) || HasLineBreak(from_)) {
    return crm::InvalidArgument("mail header contains a line break (header injection refused)");
  }
  if (!IsPlainMailAddress(message.to)) {
    return crm::InvalidArgument("not one plain e-mail address: \"" + message.to + "\"");
  }
  std::string m;
  m += "Date: " + RfcDate(clock_.NowUnix()) + "\r\n";
  m += "From: " + from_ + "\r\n";
  m += "To: " + message.to + "\r\n";
  m += "Subject: " + EncodeHeaderWord(message.subject) + "\r\n";
  m += "Message-ID: <" + std::string(message_id) + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n";
  m += "\r\n";
  m += EncodeQuotedPrintable(message.text_body);
  if (m.size() < 2 || m.compare(m.size() - 2, 2, "\r\n") != 0) m += "\r\n";
  return m;
}

crm::Status Mailer::Send(const crm::MailMessage& message) {
  std::string domain = "sample-host.invalid";
  size_t at = from_.rfind('@');
  if (at != std::string::npos) {
    domain = from_.substr(at + 1);
    while (!domain.empty() && (domain.back() == '>' || domain.back() == ' ')) domain.pop_back();
  }
  const std::string token = RandomHex(12);
  CRM_ASSIGN_OR_RETURN(auto rendered, Render(message, token + "@" + domain));

  std::error_code ec;
  std::filesystem::create_directories(outbox_, ec);
  if (ec) return crm::Internal("creating the outbox " + outbox_.string() + ": " + ec.message());
  ::chmod(outbox_.c_str(), 0700);

  const std::string name = std::to_string(clock_.NowUnix()) + "-" + token + ".eml";
  const std::filesystem::path temp = outbox_ / (".tmp-" + token);
  const std::filesystem::path final_path = outbox_ / name;
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return crm::Internal("creating " + temp.string() + ": " + std::strerror(errno));
  crm::Status s = WriteAll(fd, rendered);
  if (s.ok() && ::fsync(fd) != 0)
    s = crm::Internal(std::string("fsync of mail: ") + std::strerror(errno));
  if (::close(fd) != 0 && s.ok())
    s = crm::Internal(std::string("closing mail: ") + std::strerror(errno));
  if (s.ok() && ::rename(temp.c_str(), final_path.c_str()) != 0) {
    s = crm::Internal(std::string("renaming mail into the outbox: ") + std::strerror(errno));
  }
  if (!s.ok()) {
    ::unlink(temp.c_str());
    return s;
  }
  // The rename is durable only once the folder itself is synced.
  int dir = ::open(outbox_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  std::lock_guard<std::mutex> lock(sender_mutex_);
  if (sender_) sender_->Wake();
  return crm::Status::Ok();
}

}  // namespace host
