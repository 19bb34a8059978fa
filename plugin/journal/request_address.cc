// plugin/journal/request_address.cc — the thread's current request address (request_address.h).
#include "plugin/journal/request_address.h"

namespace cd {
namespace {
thread_local std::string t_address;
}  // namespace

RequestAddressScope::RequestAddressScope(std::string_view address) : previous_(t_address) {
  t_address = std::string(address);
}

RequestAddressScope::~RequestAddressScope() { t_address = std::move(previous_); }

const std::string& RequestAddress() { return t_address; }

}  // namespace cd
