// sample-host/core/mailer.h — outgoing mail (SPEC H7): RFC 5322 messages written atomically to an
// outbox folder, the durable queue that an optional SMTP sender (smtp_sender.h) delivers from.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "host-api/services.h"
#include "host-api/status.h"
#include "sample-host/core/smtp_sender.h"

namespace host {

class Clock;
class Logger;

// Thread-safe. Each Send writes one complete `<outbox>/<unix time>-<random>.eml`: built
// in a hidden temp file, fsynced, then renamed, so a reader never sees half a message.
class Mailer {
 public:
  // `outbox` is created (mode 0700) on first use. `from` is the sender address,
  // e.g. "CRM <no-reply@localhost>".
  Mailer(std::filesystem::path outbox, std::string from, Clock& clock);
  ~Mailer();  // StopSmtp()
  Mailer(const Mailer&) = delete;
  Mailer& operator=(const Mailer&) = delete;

  // kInvalidArgument when `to` is not one plain address or when `to` or the subject
  // holds CR/LF (header injection); kInternal on an I/O failure.
  crm::Status Send(const crm::MailMessage& message);

  // The full RFC 5322 text Send would write (CRLF line ends), for tests and previews.
  crm::Result<std::string> Render(const crm::MailMessage& message, std::string_view message_id);

  const std::filesystem::path& outbox() const { return outbox_; }

  // Delivers the outbox over SMTP from now on: starts an SmtpSender (one thread, owned by
  // this Mailer) with MAIL FROM = the address in `from`, woken after each Send. Call once,
  // before the Mailer is shared. kInvalidArgument for a bad URL or a `from` without one
  // plain address; kConflict when already started. `logger` must outlive the Mailer.
  crm::Status StartSmtp(SmtpOptions options, Logger& logger);
  // Stops the SMTP thread (a transfer in progress is aborted; its message stays queued).
  // Send keeps writing to the outbox. Idempotent.
  void StopSmtp();

 private:
  std::filesystem::path outbox_;
  std::string from_;
  Clock& clock_;
  std::mutex sender_mutex_;
  std::unique_ptr<SmtpSender> sender_;  // null: outbox only
};

// One plain address (no display name, no list): what a single recipient field needs.
bool IsPlainMailAddress(std::string_view address);
// The bare address of a From value ("CRM <no-reply@example.com>" or "no-reply@example.com"),
// for SMTP's MAIL FROM; kInvalidArgument when it holds no single plain address.
crm::Result<std::string> EnvelopeAddress(std::string_view from);

// "=?UTF-8?B?...?=" words (folded with CRLF SP) when `text` is not plain printable
// ASCII; `text` itself otherwise.
std::string EncodeHeaderWord(std::string_view text);
// Quoted-printable (RFC 2045) of a UTF-8 body, CRLF line ends, lines <= 76 characters.
std::string EncodeQuotedPrintable(std::string_view text);

}  // namespace host
