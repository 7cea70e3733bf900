#pragma once
// Waiting for a condition that another thread makes true, without polling: the thread that
// changes what the condition reads does it inside update(), and wait_for() wakes at once, or
// gives up at the timeout.
//
//   Waiter w;
//   bus.receive(queue, [&](const AmqpMessage&) { w.update([&] { ++seen; }); return Outcome::accepted; });
//   ASSERT_TRUE(w.wait_for([&] { return seen == 3; }, 20s));

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace cimbus::test {

class Waiter {
 public:
  // Runs `change` under the waiter's lock, then wakes the waiting threads.
  template <class F>
  void update(F change) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      change();
    }
    changed_.notify_all();
  }
  // True once `condition` holds (read under the lock), false when `timeout` passed first.
  template <class Condition>
  bool wait_for(Condition condition, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, condition);
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace cimbus::test
