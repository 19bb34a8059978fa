// plugin/read_ahead.cc — implements read_ahead.h: two slots handed between the helper thread
// (fills a slot that is not full) and the consumer (takes full slots in turn, gives each back
// on its next call), under one mutex.
#include "plugin/read_ahead.h"

#include <sys/mman.h>

#include <atomic>
#include <new>
#include <system_error>
#include <utility>

namespace cd {

namespace {
std::atomic<int> g_large_bodies{0};  // ReadAheads holding large buffers now
}  // namespace

ReadAhead::ReadAhead(BodyReader read, size_t chunk, size_t large)
    : read_(std::move(read)), chunk_(chunk), large_(large), size_(chunk) {
  slots_[0].data.resize(chunk_);
}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (helper_.joinable()) helper_.join();
  if (holds_large_) g_large_bodies.fetch_sub(1);
}

void ReadAhead::Pages::resize(size_t size) {
  if (size == size_) return;
  reset();
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  data_ = static_cast<char*>(p);
  size_ = size;
}

void ReadAhead::Pages::reset() {
  if (data_) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

void ReadAhead::GrowIfAllowed() {
  if (large_ <= chunk_) return;
  if (g_large_bodies.fetch_add(1) >= kLargeBodies) {
    g_large_bodies.fetch_sub(1);
    return;
  }
  holds_large_ = true;
  size_ = large_;
}

crm::Result<std::string_view> ReadAhead::ReadHere() {
  crm::Result<size_t> n = read_(slots_[0].data.data(), chunk_);
  if (!n.ok()) {
    error_ = n.status();
    return error_;
  }
  if (*n == 0) {
    ended_ = true;
    return std::string_view();
  }
  held_ = 0;
  next_ = 0;  // synchronous reads go on into slot 0 unless the helper starts
  if (*n == chunk_) {
    GrowIfAllowed();  // slot 0 grows when the helper next fills it (the caller holds it now)
    slots_[1].data.resize(size_);
    slots_[0].full = true;  // the helper must not refill it before it is given back
    try {
      helper_ = std::thread([this] { Produce(1); });
      next_ = 1;
    } catch (const std::system_error&) {
      slots_[0].full = false;  // no thread to spare: keep reading on this thread
      slots_[1].data.reset();
      if (std::exchange(holds_large_, false)) g_large_bodies.fetch_sub(1);
      size_ = chunk_;
    }
  }
  return std::string_view(slots_[0].data.data(), *n);
}

crm::Result<std::string_view> ReadAhead::Next() {
  if (!error_.ok()) return error_;
  if (ended_) return std::string_view();
  if (!helper_.joinable()) return ReadHere();
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (held_ >= 0) slots_[held_].full = false;  // given back: the helper may refill it
    held_ = -1;
    cv_.notify_all();
    cv_.wait(lock, [&] { return slots_[next_].full; });
  }
  Slot& slot = slots_[next_];
  if (!slot.error.ok()) {
    error_ = slot.error;
    return error_;
  }
  if (slot.size == 0) {
    ended_ = true;
    return std::string_view();
  }
  held_ = next_;
  next_ ^= 1;
  return std::string_view(slot.data.data(), slot.size);
}

void ReadAhead::Produce(int first) {
  for (int i = first;; i ^= 1) {
    Slot& slot = slots_[i];
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !slot.full; });
      if (stop_) return;
    }
    if (slot.data.size() < size_) slot.data.resize(size_);  // given back: nobody holds it
    crm::Result<size_t> n = read_(slot.data.data(), size_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      slot.size = n.ok() ? *n : 0;
      slot.error = n.status();
      slot.full = true;
    }
    cv_.notify_all();
    if (!n.ok() || *n == 0) return;
  }
}

}  // namespace cd
