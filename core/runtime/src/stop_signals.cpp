#include "cimbus/runtime/stop_signals.hpp"

#include <pthread.h>

namespace cimbus::adapter {

sigset_t StopSignals::signal_set() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

StopSignals::StopSignals() : signals_(signal_set()) { pthread_sigmask(SIG_BLOCK, &signals_, nullptr); }

int StopSignals::wait() {
  int received = 0;
  sigwait(&signals_, &received);
  return received;
}

}  // namespace cimbus::adapter
