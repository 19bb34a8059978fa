// tests/core/smtp_sender_test.cc — SMTP delivery of the outbox against a tiny fake SMTP server on
// 127.0.0.1: envelope and body as sent, files moved to sent/ or failed/, retries after an outage.
#include "sample-host/core/smtp_sender.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sample-host/core/clock.h"
#include "sample-host/core/logger.h"
#include "sample-host/core/mailer.h"
#include "tests/core/temp_dir.h"

namespace host {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// What the fake server received in one mail transaction.
struct Received {
  std::string mail_from;  // the argument of MAIL FROM:, e.g. "<a@b>"
  std::vector<std::string> rcpt_to;
  std::string data;  // the message, dot-unstuffed, without the final "."
  std::string auth;  // the AUTH command's argument, if any
};

// Enough of RFC 5321 for libcurl: greeting, EHLO, optional AUTH PLAIN, MAIL, RCPT, DATA,
// RSET, QUIT. One connection at a time. The socket is bound at construction (so the port is
// known and connections are refused) and accepts only after Listen().
class FakeSmtpServer {
 public:
  FakeSmtpServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "cannot bind a test socket";
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~FakeSmtpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }

  void Listen() {
    ASSERT_EQ(::listen(fd_, 8), 0);
    thread_ = std::thread([this] { AcceptLoop(); });
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // The reply to every RCPT TO (default "250 OK").
  void set_rcpt_reply(std::string reply) {
    std::lock_guard<std::mutex> lock(mutex_);
    rcpt_reply_ = std::move(reply);
  }
  std::vector<Received> received() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }
  int connections() const { return connections_.load(); }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      Serve(c);
      ::close(c);
    }
  }

  bool Write(int c, const std::string& s) {
    return ::send(c, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size());
  }

  // One CRLF-terminated line (without it), or false at the end of the connection.
  bool ReadLine(int c, std::string& buffer, std::string& line) {
    for (;;) {
      size_t eol = buffer.find("\r\n");
      if (eol != std::string::npos) {
        line = buffer.substr(0, eol);
        buffer.erase(0, eol + 2);
        return true;
      }
      if (stop_) return false;
      pollfd p{c, POLLIN, 0};
      int ready = ::poll(&p, 1, 20);
      if (ready < 0) return false;
      if (ready == 0) continue;
      char chunk[4096];
      ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
    }
  }

  static bool StartsWith(const std::string& s, const char* prefix) {
    return strncasecmp(s.c_str(), prefix, std::strlen(prefix)) == 0;
  }

  void Serve(int c) {
    std::string buffer, line;
    Received current;
    if (!Write(c, "220 fake.test ESMTP\r\n")) return;
    while (ReadLine(c, buffer, line)) {
      if (StartsWith(line, "EHLO")) {
        Write(c, "250-fake.test\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n");
      } else if (StartsWith(line, "HELO")) {
        Write(c, "250 fake.test\r\n");
      } else if (StartsWith(line, "AUTH PLAIN")) {
        if (line.size() > 11) {
          current.auth = line.substr(11);  // initial response in the command
        } else {
          Write(c, "334 \r\n");
          if (!ReadLine(c, buffer, current.auth)) return;
        }
        Write(c, "235 2.7.0 accepted\r\n");
      } else if (StartsWith(line, "MAIL FROM:")) {
        std::string from = line.substr(10);
        current.mail_from = from.substr(0, from.find(' '));  // without SIZE=...
        Write(c, "250 OK\r\n");
      } else if (StartsWith(line, "RCPT TO:")) {
        std::string reply;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          reply = rcpt_reply_;
        }
        if (reply.rfind("250", 0) == 0) current.rcpt_to.push_back(line.substr(8));
        Write(c, reply + "\r\n");
      } else if (StartsWith(line, "DATA")) {
        Write(c, "354 go ahead\r\n");
        std::string data;
        while (ReadLine(c, buffer, line) && line != ".") {
          if (!line.empty() && line[0] == '.') line.erase(0, 1);
          data += line + "\r\n";
        }
        current.data = data;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          received_.push_back(current);
        }
        Received next;
        next.auth = current.auth;  // a login lasts for the connection
        current = next;
        Write(c, "250 2.0.0 queued\r\n");
      } else if (StartsWith(line, "RSET")) {
        current = Received{};
        Write(c, "250 OK\r\n");
      } else if (StartsWith(line, "QUIT")) {
        Write(c, "221 bye\r\n");
        return;
      } else {
        Write(c, "502 not implemented\r\n");
      }
    }
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::string rcpt_reply_ = "250 OK";
  std::vector<Received> received_;
};

std::vector<std::string> Names(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) out.push_back(it->path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Polls `done` every 5 ms for up to 10 s (the deliveries themselves take milliseconds).
bool WaitFor(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

SmtpOptions FastOptions(const std::string& url) {
  SmtpOptions o;
  o.url = url;
  o.first_retry = 20ms;
  o.max_retry = 100ms;
  o.connect_timeout = 5s;
  o.transfer_timeout = 10s;
  return o;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(SmtpSenderTest, DeliversThroughMailerAndMovesTheFileToSent) {
  testing::TempDir dir;
  FakeSmtpServer server;
  server.Listen();
  FixedClock clock(1795000000);
  Logger logger(&clock, false);
  const fs::path outbox = dir.path() / "outbox";
  Mailer mailer(outbox, "CRM <no-reply@crm.example>", clock);
  ASSERT_TRUE(mailer.StartSmtp(FastOptions(server.url()), logger).ok());

  // A line starting with "." must survive SMTP's dot-stuffing.
  ASSERT_TRUE(mailer
                  .Send({"marie@example.test", "Vos documents ✓",
                         "Bonjour Marie,\n.hidden line\nÀ bientôt\n"})
                  .ok());
  ASSERT_TRUE(WaitFor([&] { return Names(outbox / "sent").size() == 1; }))
      << Joined(logger.Recent());
  EXPECT_TRUE(Names(outbox).empty());

  auto got = server.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].mail_from, "<no-reply@crm.example>");
  ASSERT_EQ(got[0].rcpt_to.size(), 1u);
  EXPECT_EQ(got[0].rcpt_to[0], "<marie@example.test>");
  EXPECT_EQ(got[0].data, testing::ReadFile(outbox / "sent" / Names(outbox / "sent")[0]));
  EXPECT_NE(got[0].data.find("To: marie@example.test\r\n"), std::string::npos) << got[0].data;
  EXPECT_NE(got[0].data.find("\r\n\r\nBonjour Marie,\r\n.hidden line\r\n=C3=80 bient=C3=B4t\r\n"),
            std::string::npos)
      << got[0].data;
  EXPECT_EQ(fs::status(outbox / "sent").permissions() & fs::perms::all, fs::perms::owner_all);

  // A second message goes out after the first one, through a new conversation.
  ASSERT_TRUE(mailer.Send({"paul@example.test", "Encore", "Re-bonjour\n"}).ok());
  ASSERT_TRUE(WaitFor([&] { return Names(outbox / "sent").size() == 2; }))
      << Joined(logger.Recent());
  got = server.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].rcpt_to.at(0), "<paul@example.test>");
  mailer.StopSmtp();
}

TEST(SmtpSenderTest, KeepsMailQueuedWhileTheServerIsDownAndDeliversOldestFirstLater) {
  testing::TempDir dir;
  FakeSmtpServer server;  // bound, not listening: connections are refused
  FixedClock clock(1795000000);
  Logger logger(&clock, false);
  const fs::path outbox = dir.path() / "outbox";
  Mailer mailer(outbox, "no-reply@crm.example", clock);
  ASSERT_TRUE(mailer.Send({"first@example.test", "one", "1\n"}).ok());
  clock.Advance(1);
  ASSERT_TRUE(mailer.Send({"second@example.test", "two", "2\n"}).ok());
  SmtpOptions options = FastOptions(server.url());
  options.user = "crm";
  options.password = "s3cret-Pa55word";
  ASSERT_TRUE(mailer.StartSmtp(options, logger).ok());

  // Several attempts fail (one log line each), and the files stay where they are.
  auto failures = [&] {
    size_t n = 0;
    for (const auto& l : logger.Recent()) n += l.find("SMTP delivery failed") != std::string::npos;
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return failures() >= 3; })) << Joined(logger.Recent());
  EXPECT_EQ(Names(outbox).size(), 2u);
  EXPECT_TRUE(Names(outbox / "sent").empty());
  EXPECT_TRUE(Names(outbox / "failed").empty());

  server.Listen();
  ASSERT_TRUE(WaitFor([&] { return Names(outbox / "sent").size() == 2; }))
      << Joined(logger.Recent());
  EXPECT_TRUE(Names(outbox).empty());
  auto got = server.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].rcpt_to.at(0), "<first@example.test>");
  EXPECT_EQ(got[1].rcpt_to.at(0), "<second@example.test>");
  EXPECT_EQ(got[0].mail_from, "<no-reply@crm.example>");
  EXPECT_EQ(got[0].auth, "AGNybQBzM2NyZXQtUGE1NXdvcmQ=");  // base64 of "\0crm\0s3cret-Pa55word"

  mailer.StopSmtp();
  for (const auto& l : logger.Recent()) {
    EXPECT_EQ(l.find("s3cret-Pa55word"), std::string::npos) << l;
    EXPECT_EQ(l.find("czNjcmV0LVBhNTV3b3Jk"), std::string::npos) << l;  // nor its base64
  }
}

TEST(SmtpSenderTest, ARecipientRefusedWith550MovesTheMessageToFailed) {
  testing::TempDir dir;
  FakeSmtpServer server;
  server.set_rcpt_reply("550 5.1.1 no such user");
  server.Listen();
  FixedClock clock(1795000000);
  Logger logger(&clock, false);
  const fs::path outbox = dir.path() / "outbox";
  Mailer mailer(outbox, "CRM <no-reply@crm.example>", clock);
  ASSERT_TRUE(mailer.StartSmtp(FastOptions(server.url()), logger).ok());
  ASSERT_TRUE(mailer.Send({"ghost@example.test", "hello", "x\n"}).ok());

  ASSERT_TRUE(WaitFor([&] { return Names(outbox / "failed").size() == 1; }))
      << Joined(logger.Recent());
  EXPECT_TRUE(Names(outbox).empty());
  EXPECT_TRUE(Names(outbox / "sent").empty());
  EXPECT_TRUE(server.received().empty());
  std::string log = Joined(logger.Recent());
  EXPECT_NE(log.find("moved to failed/"), std::string::npos) << log;
  EXPECT_NE(log.find("550"), std::string::npos) << log;

  // Tried once: a permanent refusal is not retried.
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(server.connections(), 1);
}

TEST(SmtpSenderTest, AMessageWithoutAUsableRecipientGoesToFailedWithoutAConnection) {
  testing::TempDir dir;
  FakeSmtpServer server;
  server.Listen();
  Logger logger(nullptr, false);
  const fs::path outbox = dir.path() / "outbox";
  fs::create_directories(outbox);
  testing::WriteFile(outbox / "100-aa.eml",
                     "From: a@example.test\r\nTo: x@example.test, y@example.test\r\n\r\nbody\r\n");
  testing::WriteFile(outbox / "101-bb.eml",
                     "From: a@example.test\r\nTo: ok@example.test\r\n\r\nTo: not-a-header\r\n");
  testing::WriteFile(outbox / ".tmp-cc", "To: half@example.test\r\n");  // being written: left alone
  SmtpSender sender(outbox, "a@example.test", FastOptions(server.url()), logger);
  ASSERT_TRUE(sender.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return Names(outbox / "sent").size() == 1; }))
      << Joined(logger.Recent());
  sender.Stop();
  EXPECT_EQ(Names(outbox / "failed"), std::vector<std::string>{"100-aa.eml"});
  EXPECT_EQ(Names(outbox / "sent"), std::vector<std::string>{"101-bb.eml"});
  EXPECT_EQ(Names(outbox), std::vector<std::string>{".tmp-cc"});
  ASSERT_EQ(server.received().size(), 1u);
  EXPECT_EQ(server.received()[0].rcpt_to.at(0), "<ok@example.test>");
}

TEST(SmtpSenderTest, StopAbortsAConversationInProgressAndKeepsTheMessage) {
  testing::TempDir dir;
  // A server that accepts the connection (the kernel does, from the backlog) and never
  // says a word: the sender waits for its greeting until stopped.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ASSERT_EQ(::listen(fd, 8), 0);
  Logger logger(nullptr, false);
  const fs::path outbox = dir.path() / "outbox";
  fs::create_directories(outbox);
  testing::WriteFile(outbox / "100-aa.eml", "To: x@example.test\r\n\r\nbody\r\n");
  SmtpSender sender(outbox, "a@example.test",
                    FastOptions("smtp://127.0.0.1:" + std::to_string(ntohs(addr.sin_port))),
                    logger);
  ASSERT_TRUE(sender.Start().ok());
  std::this_thread::sleep_for(100ms);  // the conversation has started
  auto t0 = std::chrono::steady_clock::now();
  sender.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);  // not the 10 s transfer timeout
  ::close(fd);
  EXPECT_EQ(Names(outbox), std::vector<std::string>{"100-aa.eml"});
  EXPECT_TRUE(Names(outbox / "failed").empty());
  EXPECT_EQ(Joined(logger.Recent()).find("failed"), std::string::npos) << Joined(logger.Recent());
}

TEST(SmtpSenderTest, OnlySmtpUrlsWithoutCredentialsAreAccepted) {
  EXPECT_TRUE(CheckSmtpUrl("smtp://mail.example.com:587").ok());
  EXPECT_TRUE(CheckSmtpUrl("smtps://mail.example.com").ok());
  EXPECT_TRUE(CheckSmtpUrl("SMTP://127.0.0.1:2525").ok());
  for (const char* bad :
       {"http://mail.example.com", "mail.example.com:25", "", "smtp://", "smtp://:25",
        "smtp://user:pw@mail.example.com", "smtp://mail.example.com\r\nX"}) {
    crm::Status s = CheckSmtpUrl(bad);
    EXPECT_EQ(s.code(), crm::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.message().find("pw@"), std::string::npos) << s.message();
  }
  Logger logger(nullptr, false);
  FixedClock clock(0);
  Mailer mailer(fs::path("/nonexistent-outbox"), "CRM <no-reply@crm.example>", clock);
  SmtpOptions o;
  o.url = "ftp://files.example.com";
  EXPECT_EQ(mailer.StartSmtp(o, logger).code(), crm::StatusCode::kInvalidArgument);
}

TEST(SmtpSenderTest, EnvelopeAndRecipientAddressesAreParsed) {
  EXPECT_EQ(EnvelopeAddress("CRM <no-reply@crm.example>").value(), "no-reply@crm.example");
  EXPECT_EQ(EnvelopeAddress("no-reply@crm.example").value(), "no-reply@crm.example");
  EXPECT_FALSE(EnvelopeAddress("CRM <no-reply@crm.example").ok());
  EXPECT_FALSE(EnvelopeAddress("CRM").ok());
  EXPECT_FALSE(EnvelopeAddress("a@b.example\r\nBcc: c@d.example").ok());
  EXPECT_EQ(RecipientOfMessage("Date: x\r\nto:  a@b.example \r\n\r\nbody").value(), "a@b.example");
  EXPECT_FALSE(RecipientOfMessage("Date: x\r\n\r\nTo: a@b.example\r\n").ok());
  EXPECT_FALSE(RecipientOfMessage("To: a@b.example\r\n c@d.example\r\n\r\n").ok());
  EXPECT_FALSE(RecipientOfMessage("To: a@b.example\r\nTo: c@d.example\r\n\r\n").ok());
}

}  // namespace
}  // namespace host
