// tests/plugin/read_ahead_test.cc — ReadAhead: the body comes out whole and in order, a small
// body is read on the caller's thread only, a large one is read one chunk ahead by a helper that
// never calls the reader concurrently, errors are passed on in order and stick, and no read
// happens after destruction.
#include "plugin/read_ahead.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/status_matchers.h"

namespace cd {
namespace {

// A body of `size` bytes read in pieces of at most `piece`, which counts its calls, the threads
// that made them, and whether two ever overlapped. Fails with kUnavailable at `fail_at`.
struct FakeBody {
  std::string bytes;
  size_t pos = 0;
  size_t piece = 1 << 20;
  size_t fail_at = std::string::npos;
  std::atomic<int> calls{0};
  std::atomic<bool> inside{false};
  std::atomic<bool> overlapped{false};
  std::atomic<bool> other_thread{false};
  std::thread::id caller = std::this_thread::get_id();

  BodyReader Reader() {
    return [this](char* out, size_t size) -> crm::Result<size_t> {
      if (inside.exchange(true)) overlapped = true;
      if (std::this_thread::get_id() != caller) other_thread = true;
      ++calls;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // a socket takes time
      size_t n = std::min({size, piece, bytes.size() - pos});
      crm::Result<size_t> r = n;
      if (pos + n > fail_at) {
        r = crm::Unavailable("the client went away");
      } else {
        bytes.copy(out, n, pos);
        pos += n;
      }
      inside = false;
      return r;
    };
  }
};

std::string Pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return s;
}

// Everything Next gives until the end (or the first error, returned in *error).
std::string Drain(ReadAhead& body, crm::Status* error = nullptr) {
  std::string got;
  while (true) {
    crm::Result<std::string_view> chunk = body.Next();
    if (!chunk.ok()) {
      if (error) *error = chunk.status();
      return got;
    }
    if (chunk->empty()) return got;
    got.append(*chunk);
  }
}

TEST(ReadAheadTest, ASmallBodyIsReadOnTheCallersThreadOnly) {
  FakeBody body;
  body.bytes = "field=value";
  ReadAhead reader(body.Reader(), 64 * 1024);
  EXPECT_EQ(Drain(reader), "field=value");
  EXPECT_FALSE(body.other_thread);
  EXPECT_EQ(body.calls, 2);  // the bytes, then the end
}

TEST(ReadAheadTest, ALargeBodyComesOutWholeInOrderReadAheadNeverConcurrently) {
  FakeBody body;
  body.bytes = Pattern(3 * 1024 * 1024 + 123);
  ReadAhead reader(body.Reader(), 256 * 1024);
  crm::Result<std::string_view> first = reader.Next();
  ASSERT_OK(first);
  std::string got(*first);
  // While the caller holds the first chunk, the helper reads the next one.
  for (int i = 0; i < 200 && body.calls < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_GE(body.calls, 2);
  EXPECT_TRUE(body.other_thread);
  got += Drain(reader);
  EXPECT_EQ(got, body.bytes);
  EXPECT_FALSE(body.overlapped);
  crm::Result<std::string_view> after = reader.Next();
  ASSERT_OK(after);
  EXPECT_TRUE(after->empty());
}

// Once a body proves large, the helper reads `large` bytes at a time, but only kLargeBodies
// bodies at once hold such buffers: the next ones keep `chunk` (memory stays flat with many
// uploads), and a body's destruction gives its turn back. Every body still comes out whole.
TEST(ReadAheadTest, LargeReadsAreGrantedToAFewBodiesAtOnce) {
  constexpr size_t kChunk = 64 * 1024, kLarge = 256 * 1024;
  std::vector<std::unique_ptr<FakeBody>> bodies;
  std::vector<std::unique_ptr<ReadAhead>> readers;
  std::vector<std::string> got;
  for (int i = 0; i <= ReadAhead::kLargeBodies; ++i) {
    bodies.push_back(std::make_unique<FakeBody>());
    bodies.back()->bytes = Pattern(kLarge * 3 + static_cast<size_t>(i));
    readers.push_back(std::make_unique<ReadAhead>(bodies.back()->Reader(), kChunk, kLarge));
    crm::Result<std::string_view> first = readers.back()->Next();  // starts the helper
    ASSERT_OK(first);
    got.emplace_back(*first);
  }
  for (int i = 0; i < ReadAhead::kLargeBodies; ++i) EXPECT_EQ(readers[i]->read_size(), kLarge);
  EXPECT_EQ(readers.back()->read_size(), kChunk);
  size_t largest = 0;
  while (true) {
    crm::Result<std::string_view> chunk = readers[0]->Next();
    ASSERT_OK(chunk);
    if (chunk->empty()) break;
    largest = std::max(largest, chunk->size());
    got[0].append(*chunk);
  }
  EXPECT_EQ(largest, kLarge);
  for (size_t i = 1; i < readers.size(); ++i) got[i] += Drain(*readers[i]);
  for (size_t i = 0; i < readers.size(); ++i) EXPECT_EQ(got[i], bodies[i]->bytes) << i;
  readers[0].reset();  // its turn goes back
  auto body = std::make_unique<FakeBody>();
  body->bytes = Pattern(kLarge * 2);
  ReadAhead next(body->Reader(), kChunk, kLarge);
  ASSERT_OK(next.Next());
  EXPECT_EQ(next.read_size(), kLarge);
  EXPECT_EQ(Drain(next).size(), kLarge * 2 - kChunk);
}

TEST(ReadAheadTest, AnErrorComesAfterTheBytesBeforeItAndSticks) {
  FakeBody body;
  body.bytes = Pattern(2 * 1024 * 1024);
  body.piece = 256 * 1024;
  body.fail_at = 1024 * 1024 + 5;
  ReadAhead reader(body.Reader(), 256 * 1024);
  crm::Status error;
  std::string got = Drain(reader, &error);
  EXPECT_EQ(error.code(), crm::StatusCode::kUnavailable);
  EXPECT_EQ(got, body.bytes.substr(0, 1024 * 1024));
  EXPECT_EQ(reader.Next().status().code(), crm::StatusCode::kUnavailable);
}

TEST(ReadAheadTest, NoReadHappensAfterDestruction) {
  FakeBody body;
  body.bytes = Pattern(8 * 1024 * 1024);
  {
    ReadAhead reader(body.Reader(), 256 * 1024);
    ASSERT_OK(reader.Next());
    ASSERT_OK(reader.Next());  // the helper runs and is at most one read ahead
  }
  const int calls = body.calls;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(body.calls, calls);
  EXPECT_LE(calls, 4);
  EXPECT_FALSE(body.inside);
}

}  // namespace
}  // namespace cd
