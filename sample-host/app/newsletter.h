// sample-host/app/newsletter.h — the newsletter (SPEC H11): lists (create, rename, delete),
// the list filters and column of the client list, and the unsubscribe links of the host's
// mails. Each client's status and subscriptions are part of the client (client_profile.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/hooks.h"
#include "host-api/services.h"
#include "host-api/sql.h"
#include "host-api/status.h"

namespace host {

struct NewsletterList {
  int64_t id = 0;
  std::string name;
  int64_t subscribers = 0;
  int64_t created_at = 0;
};

// label_key -> text in a language (HookRegistry::Translate).
using TranslateFn = std::function<std::string(std::string_view language, std::string_view key)>;

// Thread-safe; `db` must outlive it.
class NewsletterStore {
 public:
  NewsletterStore(crm::Database& db, std::function<int64_t()> now);

  // Every list by name, with its number of subscribers.
  crm::Result<std::vector<NewsletterList>> List();
  // A name is 1-100 characters, one line, no comma (CSV keeps lists comma-separated).
  // kInvalidArgument; kConflict when another list has that name (case-insensitive).
  crm::Result<NewsletterList> Create(std::string_view name);
  crm::Status Rename(int64_t id, std::string_view name);
  // Its subscriptions go with it. kNotFound.
  crm::Status Delete(int64_t id);

  // A new unsubscribe token for the client (stored hashed), to put in a mail's link.
  crm::Result<std::string> NewUnsubscribeToken(int64_t client_id);
  // The client a token names, or kNotFound (unknown token, client gone).
  crm::Result<int64_t> ClientOfToken(std::string_view token);
  // Unsubscribes the client of `token`: status "unsubscribed", every subscription removed.
  // Returns the client's id; kNotFound as above.
  crm::Result<int64_t> UnsubscribeWithToken(std::string_view token);

  // SPEC H11: `message` with an unsubscribe link at the end when it goes to a client (found
  // by email); unchanged otherwise, or when the token cannot be stored. `footer` gives the
  // text of the link line in the client's language.
  crm::MailMessage WithUnsubscribeLink(
      crm::MailMessage message, std::string_view base_url,
      const std::function<std::string(std::string_view language, std::string_view url)>& footer);

  // filter[newsletter_list]=<name> and filter[newsletter_status]=subscribed|unsubscribed|unknown.
  static crm::ListFilterSource FilterSource(crm::Database& db, TranslateFn translate);
  // The list column "host.newsletter" (the status).
  static crm::ListColumn StatusColumn(TranslateFn translate);

 private:
  crm::Database& db_;
  std::function<int64_t()> now_;
};

}  // namespace host
