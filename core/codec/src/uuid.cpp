#include "cimbus/codec/uuid.hpp"

#include <pthread.h>
#include <sys/random.h>

#include <atomic>
#include <cerrno>
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

}  // namespace

std::string new_uuid() {
  static std::once_flag at_fork;
  std::call_once(at_fork, [] { pthread_atfork(nullptr, nullptr, [] { fork_generation.fetch_add(1); }); });
  thread_local RandomBytes random;
  unsigned char id[16];
  random.take(id, sizeof id);
  id[6] = static_cast<unsigned char>((id[6] & 0x0f) | 0x40);  // version 4
  id[8] = static_cast<unsigned char>((id[8] & 0x3f) | 0x80);  // RFC 4122 variant
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

}  // namespace cimbus
