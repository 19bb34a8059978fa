// sample-host/app/client_profile.h — what a client gains in issue 14 (SPEC H11, H16, H17):
// billing and delivery addresses, origin, avatar and newsletter subscriptions, kept in
// client_profiles and newsletter_subscriptions (schema 11) and read/written by ClientStore
// together with the client row, in the same transaction.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host-api/hooks.h"
#include "host-api/sql.h"
#include "host-api/status.h"
#include "sample-host/app/client_store.h"

namespace host {

// The genders a client may have (a choice, SPEC H17): "" (not given), "female", "male",
// "other".
const std::vector<std::string>& ClientGenders();

// The newsletter statuses: "subscribed", "unsubscribed", "unknown" (never asked).
const std::vector<std::string>& NewsletterStatuses();

// Checks and normalises the issue-14 fields of `client` (trims; one line each, at most
// 200 characters, 500 for the referrer; gender and newsletter status from their lists;
// list names unique). A client with lists and an "unknown" status becomes "subscribed";
// an "unsubscribed" one keeps no list. kInvalidArgument naming the field.
crm::Status NormalizeClientProfile(Client& client);

// Upserts the profile row and the subscriptions of client.id. `with_origin`: the origin is
// written on creation only. kInvalidArgument when a list name names no list.
crm::Status WriteClientProfile(crm::SqlExecutor& tx, const Client& client, bool with_origin);

// What a read of `clients c` adds to its SELECT list (one statement per list page, SPEC
// H2): kClientProfileColumnCount expressions, the profile's fields and the newsletter lists,
// each joined by U+001F. No parameters.
std::string ClientProfileColumns(crm::SqlDialect dialect);
inline constexpr size_t kClientProfileColumnCount = 2;

// Fills the issue-14 fields of `client` from those columns of `row`, starting at `first`
// (defaults when the client has no profile row yet).
void ReadClientProfile(const crm::SqlRow& row, size_t first, Client& client);

// SPEC H17's list columns (owner "host"): "phone" (the mobile, else the phone, as a tel:
// link) and "login" ("on", "unconfirmed" or "off": the reserved-area login and its email).
// `translate` (language, key) gives the labels.
std::vector<crm::ListColumn> ContactListColumns(
    std::function<std::string(std::string_view, std::string_view)> translate);

// SPEC H16: the device of a User-Agent in a few words: "mobile · Android · Chrome",
// "desktop · Windows · Firefox"; parts it cannot tell are left out; "" for an empty one.
std::string DeviceFromUserAgent(std::string_view user_agent);

// SPEC H18: a phone number in international form ("+32475123456") from what was typed
// ("0475 12 34 56", "+32 (0)475/12.34.56", "0032 ..."); a national number ("0...") takes the
// country code of `country` (Belgium, France, the Netherlands, Luxembourg, by name in
// en/fr/nl or ISO code). Empty when the number cannot be made international.
std::string InternationalPhone(std::string_view number, std::string_view country);

}  // namespace host
