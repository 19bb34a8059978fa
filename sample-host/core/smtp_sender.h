// sample-host/core/smtp_sender.h — SMTP delivery of the mail outbox (SPEC H7): one background
// thread sends each queued .eml file, oldest first, and files it under outbox/sent/ or
// outbox/failed/.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "host-api/status.h"

namespace host {

class Logger;

struct SmtpOptions {
  // smtp://host[:port] or smtps://host[:port] (TLS from the first byte). No user:password
  // part: the credentials go in `user` and `password`.
  std::string url;
  std::string user;       // empty: no AUTH
  std::string password;   // used only with `user`; never logged
  bool starttls = false;  // require STARTTLS on smtp:// (smtps:// is always encrypted)
  // Back-off after a failed attempt: first_retry, doubled each time up to max_retry; reset
  // by a delivery. Tests shorten them.
  std::chrono::milliseconds first_retry = std::chrono::seconds(5);
  std::chrono::milliseconds max_retry = std::chrono::minutes(10);
  std::chrono::seconds connect_timeout = std::chrono::seconds(30);
  std::chrono::seconds transfer_timeout = std::chrono::minutes(2);
};

// OK when `url` is smtp:// or smtps:// with a host and no credentials; kInvalidArgument
// (with a message fit for the command line) otherwise.
crm::Status CheckSmtpUrl(std::string_view url);

// The address of the `To:` header of a stored RFC 5322 message: one plain address, as the
// Mailer writes it. kInvalidArgument when there is no such header or it holds anything else.
crm::Result<std::string> RecipientOfMessage(std::string_view message);

// Delivers `<outbox>/*.eml` over SMTP. A delivered file is renamed into `<outbox>/sent/`, a
// message the server refuses for good (5xx to MAIL, RCPT or DATA) or one without a usable
// recipient into `<outbox>/failed/` (both renames fsynced). Anything else (server down,
// 4xx, wrong password, TLS failure) leaves the file queued and is retried after a growing
// back-off; each failed attempt logs one line (component "mail"), never the password.
// Delivery is at least once: a crash between the server's "250" and the rename sends the
// message again on the next start.
// Thread-safe: Wake and Stop may be called from any thread.
class SmtpSender {
 public:
  // `envelope_from` is the bare address for MAIL FROM; `logger` must outlive this object.
  SmtpSender(std::filesystem::path outbox, std::string envelope_from, SmtpOptions options,
             Logger& logger);
  ~SmtpSender();  // Stop()
  SmtpSender(const SmtpSender&) = delete;
  SmtpSender& operator=(const SmtpSender&) = delete;

  // Starts the thread, which first sends whatever the outbox already holds.
  // kInvalidArgument for a bad URL; kConflict when already started.
  crm::Status Start();
  // A new message is queued: deliver it now (within the back-off's lower bound when the
  // last attempt failed, so that a burst of mail cannot hammer a broken server).
  void Wake();
  // Ends the thread; a transfer in progress is aborted and its message stays queued.
  void Stop();

 private:
  enum class RoundResult { kAllDone, kRetryLater, kStopped };
  void Run();
  RoundResult DeliverQueued(std::chrono::milliseconds next_backoff);
  bool MoveTo(const std::filesystem::path& file, const char* folder);

  const std::filesystem::path outbox_;
  const std::string envelope_from_;
  const SmtpOptions options_;
  Logger& logger_;

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool woken_ = false;
  std::atomic<bool> stop_{false};
  // Delivered files whose rename into sent/ failed: never sent twice by this process.
  std::set<std::string> delivered_unmoved_;
};

}  // namespace host
