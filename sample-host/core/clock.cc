// sample-host/core/clock.cc — the system clock (the fixed test clock is inline in the header).
// Wall time, not steady time: it stamps rows and mails that people read.
#include "sample-host/core/clock.h"

#include <chrono>

namespace host {

int64_t SystemClock::NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace host
