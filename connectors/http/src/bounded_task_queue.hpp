#pragma once
// cpp-httplib's task queue with a bound: `threads` serve the accepted connections, at most
// `max_queued` wait for them, and the accept loop waits beyond that, so that further connections
// stay in the listening socket's backlog (bounded by the kernel) instead of in memory. With the
// server's read time-out, a flood of slow clients holds a bounded set of threads and sockets.
//
// Threading: enqueue() on the server's accept thread; jobs on the pool's threads.

#include <condition_variable>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include <httplib.h>

#include "cimbus/sync/mutex.hpp"

namespace cimbus::http {

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(std::size_t threads, std::size_t max_queued) : max_queued_(max_queued) {
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
  }
  ~BoundedTaskQueue() override = default;  // shutdown() joins

  void enqueue(std::function<void()> job) override {
    sync::Lock lock(mutex_);
    lock.wait(room_, [this]() CIMBUS_REQUIRES(mutex_) { return jobs_.size() < max_queued_ || stopping_; });
    jobs_.push_back(std::move(job));
    work_.notify_one();
  }

  void shutdown() override {
    {
      sync::Lock lock(mutex_);
      stopping_ = true;
    }
    work_.notify_all();
    room_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> job;
      {
        sync::Lock lock(mutex_);
        lock.wait(work_, [this]() CIMBUS_REQUIRES(mutex_) { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, and nothing left
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      room_.notify_one();
      job();
    }
  }

  const std::size_t max_queued_;
  sync::Mutex mutex_;
  std::condition_variable work_, room_;
  std::deque<std::function<void()>> jobs_ CIMBUS_GUARDED_BY(mutex_);
  bool stopping_ CIMBUS_GUARDED_BY(mutex_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace cimbus::http
