// text/messages.h — technical messages ("at most 2 file(s)", "email: not a valid address") matched
// against known templates, so that pages can say them in the reader's language while the API
// keeps the English with its code (issue 15.9); and "{name}" placeholders filled.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crm::text {

// What a template's "{name}" holes bound, in order.
using Bound = std::vector<std::pair<std::string, std::string>>;

// The values `pattern`'s "{name}" holes take in `message` (each at least one character, up to
// the first occurrence of the text that follows the hole); nullopt when the message is not of
// that pattern. "at most {n} file(s)" and "at most 2 file(s)" bind n = "2".
std::optional<Bound> MatchTemplate(std::string_view pattern, std::string_view message);

// `text` with each "{name}" replaced by its value (values are not searched again).
std::string FillPlaceholders(std::string text, const Bound& bound);

// A known message and the translation key of what a person reads instead.
struct KnownMessage {
  std::string_view pattern;
  std::string_view key;
};

// The first entry of `known` whose pattern `message` matches, with what it bound.
std::optional<std::pair<std::string_view, Bound>> FindKnownMessage(
    std::span<const KnownMessage> known, std::string_view message);

}  // namespace crm::text
