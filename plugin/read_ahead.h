// plugin/read_ahead.h — double-buffered request body reads: once a body proves larger than
// one buffer, a helper thread reads the next chunk while the caller hashes and writes the last.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "host-api/status.h"

namespace cd {

// Reads up to `size` bytes into `buffer`; 0 at the end (crm::Request::ReadBody's shape).
using BodyReader = std::function<crm::Result<size_t>(char* buffer, size_t size)>;

// The read size of a large body while few are in flight (ReadAhead's `large`).
inline constexpr size_t kLargeBodyRead = 1 << 20;

// Hands out a body chunk by chunk from two buffers of `chunk` bytes. Reads run on the caller's
// thread until one fills its buffer (more is likely to follow: small forms never start a
// thread); then a helper thread starts and keeps one read ahead of the caller. `read` is called by
// one thread at a time and never after the destructor returned, so crm::Request::ReadBody may be
// passed (it is not called concurrently). Not thread-safe itself: one consumer.
class ReadAhead {
 public:
  // With `large` > `chunk`: once the helper starts, its reads take `large` bytes at a time
  // (fewer hand-offs between the threads and fewer syscalls per MiB) if fewer than
  // kLargeBodies bodies hold large buffers in this process; otherwise `chunk`, so memory stays
  // flat with many uploads at once.
  ReadAhead(BodyReader read, size_t chunk, size_t large = 0);
  // Stops the helper thread; waits for a read it has in flight (the socket's own idle
  // timeout bounds that wait).
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // The next bytes of the body: a view valid until the next call, empty at the end. The
  // reader's error as it is; after an error or the end, every call returns the same.
  crm::Result<std::string_view> Next();

  // The size of the reads now (chunk, or large once granted).
  size_t read_size() const { return size_; }
  // Bodies that may read in large chunks at once, process-wide.
  static constexpr int kLargeBodies = 2;

 private:
  // A buffer mapped on its own, so its pages go back to the system as soon as it is freed:
  // malloc kept freed 1 MiB buffers in its per-thread arenas, and the peak RSS grew with each
  // worker thread that had held one.
  class Pages {
   public:
    Pages() = default;
    ~Pages() { reset(); }
    Pages(const Pages&) = delete;
    Pages& operator=(const Pages&) = delete;
    char* data() const { return data_; }
    size_t size() const { return size_; }
    // `size` bytes, contents not kept; std::bad_alloc when no memory is left.
    void resize(size_t size);
    void reset();

   private:
    char* data_ = nullptr;
    size_t size_ = 0;
  };
  struct Slot {
    Pages data;
    size_t size = 0;
    bool full = false;  // filled and not yet given back by the consumer (guarded by mu_)
    crm::Status error;
  };
  // Helper thread: fills slots_[first], slots_[first ^ 1], ... until the end or an error.
  void Produce(int first);
  // A read on the caller's thread into slots_[0] (until the helper runs); starts the helper
  // when it filled the whole buffer.
  crm::Result<std::string_view> ReadHere();

  // Takes a large buffer pair for this body if the process-wide budget allows.
  void GrowIfAllowed();

  BodyReader read_;
  const size_t chunk_;
  const size_t large_;
  size_t size_;  // the helper's read size: chunk_, or large_ once granted
  bool holds_large_ = false;
  Slot slots_[2];
  int held_ = -1;  // the slot whose view the consumer holds
  int next_ = 0;   // the slot the consumer takes next
  bool ended_ = false;
  crm::Status error_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread helper_;
};

}  // namespace cd
