// plugin/journal/sha256.h — lowercase hex SHA-256 of bytes: the journal's chain, and the stored
// form of link tokens and link session ids (plugin/links/). Defined in journal.cc.
#pragma once

#include <string>
#include <string_view>

namespace cd {

// 64 lowercase hex digits; "" only if OpenSSL fails.
std::string Sha256Hex(std::string_view data);

}  // namespace cd
