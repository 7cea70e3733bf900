#pragma once
// The one place a cimbus process takes SIGTERM and SIGINT. Constructing a StopSignals blocks both
// in the calling thread, and so in every thread it creates afterwards (the runtime's worker and
// the bus's I/O thread among them); wait() returns the signal once one arrives.
//
//   StopSignals signals;          // first thing in main(), before any thread starts
//   ... start the adapter ...
//   int received = signals.wait();
//
// Threading: construct it in the main thread before any other thread exists; wait() from one
// thread.

#include <signal.h>

namespace cimbus::adapter {

class StopSignals {
 public:
  StopSignals();
  // Blocks until SIGTERM or SIGINT arrives; returns which.
  int wait();

  // SIGTERM and SIGINT, for a thread that must leave them to the StopSignals.
  static sigset_t signal_set();

 private:
  sigset_t signals_;
};

}  // namespace cimbus::adapter
