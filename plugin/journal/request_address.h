// plugin/journal/request_address.h — the network address of the request this thread is
// handling, for the journal's "from which address" without threading it through every use case.
#pragma once

#include <string>
#include <string_view>

namespace cd {

// Set by the module's route wrappers (api_routes.cc, hooks/page_routes.cc) for the length
// of one handler call; a handler runs on one thread from start to end. Nests (the previous
// value comes back on destruction).
class RequestAddressScope {
 public:
  explicit RequestAddressScope(std::string_view address);
  ~RequestAddressScope();
  RequestAddressScope(const RequestAddressScope&) = delete;
  RequestAddressScope& operator=(const RequestAddressScope&) = delete;

 private:
  std::string previous_;
};

// The address of the request being handled on this thread; "" outside a request (jobs).
const std::string& RequestAddress();

}  // namespace cd
