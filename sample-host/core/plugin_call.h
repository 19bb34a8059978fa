// sample-host/core/plugin_call.h — the one way the host runs plugin code: an exception thrown
// by a plugin callback becomes a crm::Status (kInternal) and exactly one error line in the log.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "host-api/status.h"
#include "sample-host/core/logger.h"

namespace host {

namespace plugin_call_internal {
template <typename T>
struct Wrap {
  using type = crm::Result<T>;
};
template <>
struct Wrap<void> {
  using type = crm::Status;
};
template <>
struct Wrap<crm::Status> {
  using type = crm::Status;
};
template <typename T>
struct Wrap<crm::Result<T>> {
  using type = crm::Result<T>;
};
}  // namespace plugin_call_internal

// What CallPlugin returns for a callback returning R: Status for void and Status,
// Result<T> for Result<T> and for a plain T.
template <typename R>
using PluginCallResult = typename plugin_call_internal::Wrap<std::decay_t<R>>::type;

// Where CallPlugin writes its one line: the host's Logger (component "plugin"), or a log
// function such as the HTTP server's (which names its own component).
inline void LogPluginError(Logger& log, const std::string& line) { log.Error("plugin", line); }
inline void LogPluginError(const std::function<void(crm::LogLevel, std::string_view)>& log,
                           const std::string& line) {
  if (log) log(crm::LogLevel::kError, line);
}

// Runs `fn()` (plugin code). When it throws, logs "<what> threw: <message>" at error level
// (under the component "plugin" for a Logger) and returns crm::Internal with the same text;
// otherwise returns what it returned (a void callback gives Status::Ok()). `what` names the hook
// for people: "summary box client-documents.status". What the caller does with an error (skip the
// item, answer 500, deny) is the caller's decision, stated where it calls. Thread-safe as far as
// `fn` is.
template <typename Log, typename Fn>
PluginCallResult<std::invoke_result_t<Fn&>> CallPlugin(Log& log, std::string_view what, Fn&& fn) {
  using R = std::invoke_result_t<Fn&>;
  std::string error;
  try {
    if constexpr (std::is_void_v<R>) {
      std::invoke(fn);
      return crm::Status::Ok();
    } else {
      return std::invoke(fn);
    }
  } catch (const std::exception& e) {
    error = std::string(what) + " threw: " + e.what();
  } catch (...) {
    error = std::string(what) + " threw a non-standard exception";
  }
  LogPluginError(log, error);
  return crm::Internal(error);
}

}  // namespace host
