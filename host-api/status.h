// host-api/status.h — Status and Result<T>: how errors cross the host/plugin boundary.
// Exceptions never cross it; each side catches at its edge and returns one of these.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace crm {

// A small, closed set of codes (after absl::StatusCode). Each maps to one HTTP
// status so that a route handler can return a Status and the host answer with it.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,   // 400 / 422: the caller sent something wrong
  kUnauthenticated = 2,   // 401
  kPermissionDenied = 3,  // 403
  kNotFound = 4,          // 404
  kConflict = 5,          // 409: state does not allow it (duplicate, in use)
  kTooLarge = 6,          // 413
  kUnsupportedType = 7,   // 415
  kUnprocessable = 8,     // 422: well-formed but fails a rule (required field)
  kUnavailable = 9,       // 503: try again later (database busy, shutting down)
  kInternal = 10,         // 500: a bug or an environment failure (disk full)
};

// HTTP status that fits a code; the host uses it when a handler returns an error.
constexpr int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kTooLarge:
      return 413;
    case StatusCode::kUnsupportedType:
      return 415;
    case StatusCode::kUnprocessable:
      return 422;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

// The JSON error code string of SPEC §5 (`{"error": {"code": ...}}`).
constexpr std::string_view ErrorCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kPermissionDenied:
      return "permission_denied";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kConflict:
      return "conflict";
    case StatusCode::kTooLarge:
      return "too_large";
    case StatusCode::kUnsupportedType:
      return "unsupported_type";
    case StatusCode::kUnprocessable:
      return "unprocessable";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kInternal:
      return "internal";
  }
  return "internal";
}

// The outcome of an operation that returns no value. Cheap to copy when OK.
// The message is for people (logs, error pages); it may be shown to an admin,
// so it never contains secrets.
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  int http_status() const { return HttpStatusFor(code_); }

  // "not_found: client 12 does not exist"
  std::string ToString() const {
    if (ok()) return "ok";
    return std::string(ErrorCodeName(code_)) + ": " + message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status Unauthenticated(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
inline Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
inline Status UnsupportedType(std::string m) {
  return {StatusCode::kUnsupportedType, std::move(m)};
}
inline Status Unprocessable(std::string m) { return {StatusCode::kUnprocessable, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value or the Status that explains why there is none (after absl::StatusOr).
// Precondition of value(): ok(). Constructing a Result from an OK Status is a
// programmer error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok() && "Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  Status status() const { return ok() ? Status() : std::get<Status>(data_); }

  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace crm

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define CRM_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::crm::Status crm_status_ = (expr);        \
    if (!crm_status_.ok()) return crm_status_; \
  } while (0)

// Evaluates `rexpr` (a Result<T>); on error returns its Status from the enclosing function,
// otherwise moves the value into `lhs`, which may declare a variable (after Abseil's
// ASSIGN_OR_RETURN):
//   CRM_ASSIGN_OR_RETURN(DocumentType type, types.Get(id));
//   CRM_ASSIGN_OR_RETURN(auto docs, service.List(actor, client_id));
// `lhs` must not contain an unparenthesised comma. Expands to two statements: do not use
// it as the only statement of an unbraced if/else.
#define CRM_ASSIGN_OR_RETURN(lhs, rexpr) \
  CRM_ASSIGN_OR_RETURN_IMPL_(CRM_STATUS_CONCAT_(crm_result_, __LINE__), lhs, rexpr)

#define CRM_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                               \
  if (!result.ok()) return result.status();            \
  lhs = std::move(result).value()
#define CRM_STATUS_CONCAT_INNER_(a, b) a##b
#define CRM_STATUS_CONCAT_(a, b) CRM_STATUS_CONCAT_INNER_(a, b)
