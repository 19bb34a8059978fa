// sample-host/core/clock.h — the host's notion of "now", injectable so tests can fix time.
// Every service that stamps a row, a mail or a log line asks a Clock instead of the system.
#pragma once

#include <atomic>
#include <cstdint>

namespace host {

// Seconds since the Unix epoch, UTC. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowUnix() = 0;
};

// The real wall clock.
class SystemClock final : public Clock {
 public:
  int64_t NowUnix() override;
};

// A clock tests set by hand; starts at `start` and moves only when told.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t start) : now_(start) {}
  int64_t NowUnix() override { return now_.load(); }
  void Set(int64_t now) { now_.store(now); }
  void Advance(int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace host
