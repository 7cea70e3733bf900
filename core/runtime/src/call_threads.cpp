#include "call_threads.hpp"

#include <algorithm>
#include <chrono>

#include "cimbus/runtime/rejection.hpp"

namespace cimbus::adapter::detail {

CallThreads::CallThreads(int threads, Done done) : done_(std::move(done)) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { run(); });
}

CallThreads::~CallThreads() {
  stop();
  for (std::thread& t : threads_) t.join();
}

void CallThreads::submit(ForwardedCall call) {
  const std::uint64_t number = call.number;
  bool queued = false;
  {
    sync::Lock lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(call));
      queued = true;
    }
  }
  if (queued) {
    changed_.notify_one();
    return;
  }
  CallOutcome refused;
  refused.number = number;
  refused.failure = "the adapter is stopping";
  done_(std::move(refused));
}

void CallThreads::stop() {
  std::deque<ForwardedCall> dropped;
  {
    sync::Lock lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  changed_.notify_all();
  stopped_.notify_all();
  for (ForwardedCall& call : dropped) {
    CallOutcome outcome;
    outcome.number = call.number;
    outcome.failure = "the adapter is stopping";
    done_(std::move(outcome));
  }
}

void CallThreads::run() {
  for (;;) {
    ForwardedCall call;
    {
      sync::Lock lock(mutex_);
      lock.wait(changed_, [this]() CIMBUS_REQUIRES(mutex_) { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      call = std::move(queue_.front());
      queue_.pop_front();
    }
    done_(make(call));
  }
}

CallOutcome CallThreads::make(ForwardedCall& call) {
  CallOutcome outcome;
  outcome.number = call.number;
  outcome.reply = std::move(call.reply);
  try {
    (*call.call)(call.message, outcome.reply);
  } catch (const Rejection& r) {
    outcome.refused = r.errors();
  } catch (const std::exception& e) {
    outcome.failure = e.what();
  } catch (...) {
    outcome.failure = "the call failed (no reason given)";
  }
  if (!outcome.failure.empty()) back_off(call.attempt);
  return outcome;
}

void CallThreads::back_off(int attempt) {
  const auto pause = std::chrono::milliseconds(std::min<long>(30000, 500L << std::min(attempt - 1, 6)));
  sync::Lock lock(mutex_);
  lock.wait_for(stopped_, pause, [this]() CIMBUS_REQUIRES(mutex_) { return stopping_; });
}

}  // namespace cimbus::adapter::detail
