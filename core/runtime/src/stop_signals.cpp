#include "cimbus/runtime/stop_signals.hpp"

#include <pthread.h>

namespace cimbus::adapter {

StopSignals::StopSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

int StopSignals::wait() {
  int received = 0;
  sigwait(&signals_, &received);
  return received;
}

}  // namespace cimbus::adapter
