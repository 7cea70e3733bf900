#pragma once
// The threads that make the calls to a system outside the process (Adapter::forward): up to
// `threads` calls at once, outside the worker and its transaction, so that a slow system holds up
// only its own messages. Each outcome goes to `done` (which hands it to the worker).
//
// A call that fails temporarily is reported after a back-off that grows with the message's
// attempt (0.5 s, 1 s, 2 s, ... at most 30 s): the redelivery that follows is then not a hot loop
// against a system that is down, and max_attempts spans some seconds of its absence.
//
// Threading: submit() and stop() from the worker; `done` is called on the call threads.

#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "cimbus/sync/mutex.hpp"
#include "forwarded_call.hpp"

namespace cimbus::adapter::detail {

class CallThreads {
 public:
  using Done = std::function<void(CallOutcome)>;

  CallThreads(int threads, Done done);
  ~CallThreads();  // stop(), then waits for the calls running
  CallThreads(const CallThreads&) = delete;
  CallThreads& operator=(const CallThreads&) = delete;

  void submit(ForwardedCall call);
  // Calls not started are reported failed at once ("the adapter is stopping"), without back-off,
  // so that their deliveries go back to the broker; running calls finish.
  void stop();

 private:
  void run();
  CallOutcome make(ForwardedCall& call);
  void back_off(int attempt);

  Done done_;
  sync::Mutex mutex_;
  std::condition_variable changed_;  // a call queued, or the stop
  std::condition_variable stopped_;  // the stop, for the threads backing off
  std::deque<ForwardedCall> queue_ CIMBUS_GUARDED_BY(mutex_);
  bool stopping_ CIMBUS_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace cimbus::adapter::detail
