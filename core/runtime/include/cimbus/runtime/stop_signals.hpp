#pragma once
// The one place a cimbus process takes its signals. Constructing a StopSignals blocks SIGTERM,
// SIGINT, SIGUSR1 and SIGUSR2 in the calling thread, and so in every thread it creates afterwards
// (the runtime's worker and the bus's I/O thread among them); wait() returns the stop signal once
// one arrives, and on the way takes the log-level signals:
//
//   SIGTERM, SIGINT   stop (returned)
//   SIGUSR1           every log of the process says debug from now on
//   SIGUSR2           back to the level the process started with
//
//   StopSignals signals;          // first thing in main(), before any thread starts
//   ... start the adapter ...
//   int received = signals.wait();
//
// Threading: construct it in the main thread before any other thread exists; wait() and
// wait_for() from one thread.

#include <signal.h>

#include <chrono>

namespace cimbus::adapter {

class StopSignals {
 public:
  StopSignals();
  // Blocks until SIGTERM or SIGINT arrives; returns which.
  int wait();
  // The same, at most `timeout`: 0 when none came.
  int wait_for(std::chrono::milliseconds timeout);

  // The signals above, for a thread that must leave them to the StopSignals.
  static sigset_t signal_set();

 private:
  // A log-level signal was taken (true), or `received` is a stop signal (false).
  static bool took_level_signal(int received);
  sigset_t signals_;
};

}  // namespace cimbus::adapter
