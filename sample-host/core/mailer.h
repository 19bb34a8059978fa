// sample-host/core/mailer.h — outgoing mail (SPEC H7): RFC 5322 messages written atomically to an
// outbox folder. SMTP delivery is not implemented yet (TODO(smtp)): the outbox is the only transport.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "host-api/services.h"
#include "host-api/status.h"

namespace host {

class Clock;

// Thread-safe. Each Send writes one complete `<outbox>/<unix time>-<random>.eml`: built
// in a hidden temp file, fsynced, then renamed, so a reader never sees half a message.
class Mailer {
 public:
  // `outbox` is created (mode 0700) on first use. `from` is the sender address,
  // e.g. "CRM <no-reply@localhost>".
  Mailer(std::filesystem::path outbox, std::string from, Clock& clock);

  // kInvalidArgument when `to` is not one plain address or when `to` or the subject
  // holds CR/LF (header injection); kInternal on an I/O failure.
  crm::Status Send(const crm::MailMessage& message);

  // The full RFC 5322 text Send would write (CRLF line ends), for tests and previews.
  crm::Result<std::string> Render(const crm::MailMessage& message, std::string_view message_id);

  const std::filesystem::path& outbox() const { return outbox_; }

  // TODO(smtp): an SmtpOptions setter and delivery over SMTP; not implemented.

 private:
  std::filesystem::path outbox_;
  std::string from_;
  Clock& clock_;
};

// "=?UTF-8?B?...?=" words (folded with CRLF SP) when `text` is not plain printable
// ASCII; `text` itself otherwise.
std::string EncodeHeaderWord(std::string_view text);
// Quoted-printable (RFC 2045) of a UTF-8 body, CRLF line ends, lines <= 76 characters.
std::string EncodeQuotedPrintable(std::string_view text);

}  // namespace host
