#pragma once
// The outbox's sender once a connector answers web-service callbacks (Adapter::answer_web_callbacks,
// web_callback.hpp, decisions/0023): a row whose target is an http(s) URL becomes a call through
// the connector; every other row goes to the bus, in order, as before.
//
// A call that fails for a while is made again after a pause that doubles from `retry` (at most
// 30 s), `attempts` calls in all; its outcome is then `refused` with the last reason (refusal_of),
// and the pump moves the row to the dead-letter queue. A call refused for good (Rejection) is
// `refused` at once. Calls still waiting at stop() end `failed`: their rows stay in the outbox and
// are called again after a restart, their attempts counted anew.
//
// Threading: send() and refusal_of() from any thread; `threads` threads of its own make the calls
// and report the outcomes through each send's `done`.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cimbus/bus/sender.hpp"
#include "cimbus/runtime/web_callback.hpp"
#include "cimbus/sync/mutex.hpp"
#include "runtime_log.hpp"

namespace cimbus::adapter::detail {

class WebCallbackSender : public bus::Sender {
 public:
  struct Options {
    int attempts = 5;
    std::chrono::milliseconds retry{1000};
    int threads = 4;  // calls at once: a URL that does not answer holds only these
  };

  WebCallbackSender(bus::Sender& bus, WebCallback callback, Options options, RuntimeLog& log);
  ~WebCallbackSender() override;  // stop(), then waits for the calls running
  WebCallbackSender(const WebCallbackSender&) = delete;
  WebCallbackSender& operator=(const WebCallbackSender&) = delete;

  void send(std::vector<bus::Send> sends) override;
  // For a URL: why its last call that was given up failed.
  std::string refusal_of(const std::string& target) const override;
  void stop();

 private:
  using Clock = std::chrono::steady_clock;
  struct Call {
    bus::Send send;
    int attempt = 0;  // calls made
  };

  void run();
  void make(Call call);
  void schedule(Clock::time_point due, Call call);

  bus::Sender& bus_;
  const WebCallback callback_;
  const Options options_;
  RuntimeLog& log_;

  mutable sync::Mutex mutex_;
  std::condition_variable changed_;
  std::multimap<Clock::time_point, Call> waiting_ CIMBUS_GUARDED_BY(mutex_);  // by the time it is due
  std::uint64_t scheduled_ CIMBUS_GUARDED_BY(mutex_) = 0;  // calls scheduled so far: a waiter looks again
  bool stopping_ CIMBUS_GUARDED_BY(mutex_) = false;
  std::map<std::string, std::string> refusals_ CIMBUS_GUARDED_BY(mutex_);  // by URL
  std::vector<std::thread> threads_;
};

}  // namespace cimbus::adapter::detail
