#include "cimbus/runtime/stop_signals.hpp"

#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "cimbus/runtime/log.hpp"

namespace cimbus::adapter {

sigset_t StopSignals::signal_set() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  sigaddset(&signals, SIGUSR2);
  return signals;
}

StopSignals::StopSignals() : signals_(signal_set()) { pthread_sigmask(SIG_BLOCK, &signals_, nullptr); }

bool StopSignals::took_level_signal(int received) {
  if (received == SIGUSR1) {
    Log::set_level(Log::Level::debug);
    Log::of_process()->info("SIGUSR1: logging at debug level (SIGUSR2 goes back)");
    return true;
  }
  if (received == SIGUSR2) {
    Log::restore_level();
    Log::of_process()->info("SIGUSR2: logging at the starting level again");
    return true;
  }
  return false;
}

int StopSignals::wait() {
  for (;;) {
    int received = 0;
    if (sigwait(&signals_, &received) != 0) continue;
    if (!took_level_signal(received)) return received;
  }
}

int StopSignals::wait_for(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    // A timeout that passed (or 0) still looks once: wait_for(0) polls.
    const auto left = std::max(std::chrono::nanoseconds(0),
                               std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - std::chrono::steady_clock::now()));
    timespec ts{static_cast<time_t>(left.count() / 1000000000), static_cast<long>(left.count() % 1000000000)};
    const int received = sigtimedwait(&signals_, nullptr, &ts);
    if (received < 0) {
      if (errno == EAGAIN) return 0;
      continue;  // EINTR
    }
    if (!took_level_signal(received)) return received;
  }
}

}  // namespace cimbus::adapter
