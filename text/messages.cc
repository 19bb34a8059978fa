// text/messages.cc — matching messages against templates, filling placeholders.
#include "text/messages.h"

namespace crm::text {

std::optional<Bound> MatchTemplate(std::string_view pattern, std::string_view message) {
  Bound bound;
  while (true) {
    const size_t open = pattern.find('{');
    const std::string_view literal = pattern.substr(0, open);
    if (!message.starts_with(literal)) return std::nullopt;
    message.remove_prefix(literal.size());
    if (open == std::string_view::npos) {
      if (!message.empty()) return std::nullopt;
      return bound;
    }
    const size_t close = pattern.find('}', open);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view name = pattern.substr(open + 1, close - open - 1);
    pattern.remove_prefix(close + 1);
    const std::string_view next = pattern.substr(0, pattern.find('{'));
    const size_t end = next.empty() ? message.size() : message.find(next, 1);
    if (end == std::string_view::npos || end == 0) return std::nullopt;
    bound.emplace_back(std::string(name), std::string(message.substr(0, end)));
    message.remove_prefix(end);
  }
}

std::string FillPlaceholders(std::string text, const Bound& bound) {
  // One pass over `text`: a value is never searched again (a name "{type}" stays as it is).
  std::string out;
  size_t at = 0;
  while (at < text.size()) {
    const size_t open = text.find('{', at);
    const size_t close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) break;
    out.append(text, at, open - at);
    const std::string_view name = std::string_view(text).substr(open + 1, close - open - 1);
    const std::string* value = nullptr;
    for (const auto& [n, v] : bound)
      if (!value && n == name) value = &v;
    if (value) {
      out += *value;
    } else {
      out.append(text, open, close - open + 1);
    }
    at = close + 1;
  }
  out.append(text, at, std::string::npos);
  return out;
}

std::optional<std::pair<std::string_view, Bound>> FindKnownMessage(
    std::span<const KnownMessage> known, std::string_view message) {
  for (const KnownMessage& k : known) {
    if (std::optional<Bound> bound = MatchTemplate(k.pattern, message))
      return std::pair{k.key, std::move(*bound)};
  }
  return std::nullopt;
}

}  // namespace crm::text
