// sample-host/http/dispatcher.h — what happens between a parsed request head and the handler:
// routing, authentication, audience, access gates, CSRF, forms, and the host's own error replies.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "host-api/services.h"
#include "sample-host/core/hook_registry.h"
#include "sample-host/http/exchange.h"
#include "sample-host/http/server.h"

namespace host {

// Largest urlencoded form the host reads for a handler.
inline constexpr uint64_t kMaxFormBytes = 1 << 20;

struct DispatchContext {
  const HookRegistry& registry;
  Authenticator& auth;
  PageRenderer& pages;
  std::function<void(crm::LogLevel, std::string_view)> log;
  uint64_t default_max_body = 1 << 20;
};

// Runs one exchange to its end on the calling (worker) thread: answers it, and leaves the
// request body fully read when the connection may be reused. Returns true when the
// connection can serve another request, false when it must be closed.
bool Dispatch(const DispatchContext& context, const ParsedHead& head, Transport& transport);

}  // namespace host
