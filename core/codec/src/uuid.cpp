#include "cimbus/codec/uuid.hpp"

#include <pthread.h>
#include <sys/random.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace cimbus {

namespace {

// Bumped in a forked child, so that it never hands out the bytes its parent also holds.
std::atomic<unsigned> fork_generation{0};

// Kernel randomness taken 4 KiB at a time: one system call per 256 MessageIDs instead of one
// per ID (libuuid also made four more per ID; measured in bench/adapter_bench.cpp).
class RandomBytes {
 public:
  void take(unsigned char* out, std::size_t n) {
    if (used_ + n > sizeof bytes_ || generation_ != fork_generation.load(std::memory_order_relaxed)) refill();
    std::memcpy(out, bytes_ + used_, n);
    std::memset(bytes_ + used_, 0, n);
    used_ += n;
  }

 private:
  void refill() {
    std::size_t got = 0;
    while (got < sizeof bytes_) {
      const ssize_t n = getrandom(bytes_ + got, sizeof bytes_ - got, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(std::string("getrandom: ") + std::strerror(errno));
      }
      got += static_cast<std::size_t>(n);
    }
    used_ = 0;
    generation_ = fork_generation.load(std::memory_order_relaxed);
  }

  unsigned char bytes_[4096];
  std::size_t used_ = sizeof bytes_;
  unsigned generation_ = 0;
};

RandomBytes& random_bytes() {
  static std::once_flag at_fork;
  std::call_once(at_fork, [] { pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); }); });
  thread_local RandomBytes random;
  return random;
}

std::string text_of(unsigned char (&id)[16], unsigned version) {
  id[6] = static_cast<unsigned char>((id[6] & 0x0f) | (version << 4));
  id[8] = static_cast<unsigned char>((id[8] & 0x3f) | 0x80);  // RFC 9562 variant
  static const char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += digits[id[i] >> 4];
    text += digits[id[i] & 0x0f];
  }
  return text;
}

}  // namespace

std::string new_uuid() {
  unsigned char id[16];
  random_bytes().take(id + 6, sizeof id - 6);
  // 48 bits of Unix milliseconds, then (RFC 9562's method 3) 12 bits of the millisecond's
  // fraction in place of random ones: IDs sort by when they were made, to a quarter of a microsecond.
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
  const auto fraction = static_cast<std::uint64_t>((std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch).count() % 1000000) * 4096 / 1000000);
  for (int i = 0; i < 6; ++i) id[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
  id[6] = static_cast<unsigned char>(fraction >> 8);
  id[7] = static_cast<unsigned char>(fraction & 0xff);
  return text_of(id, 7);
}

std::string new_random_uuid() {
  unsigned char id[16];
  random_bytes().take(id, sizeof id);
  return text_of(id, 4);
}

}  // namespace cimbus
