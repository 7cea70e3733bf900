#include "web_callback_sender.hpp"

#include <algorithm>

#include "cimbus/runtime/rejection.hpp"

namespace cimbus::adapter::detail {

namespace {

constexpr std::chrono::milliseconds kLongestPause{30000};

std::string said(const Rejection& refusal) {
  std::string out;
  for (const Diagnostic& d : refusal.errors()) out += (out.empty() ? "" : "; ") + d.code + " " + d.reason;
  return out.empty() ? refusal.what() : out;
}

}  // namespace

WebCallbackSender::WebCallbackSender(bus::Sender& bus, WebCallback callback, Options options, RuntimeLog& log)
    : bus_(bus), callback_(std::move(callback)), options_(options), log_(log) {
  for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { run(); });
}

WebCallbackSender::~WebCallbackSender() {
  stop();
  for (std::thread& t : threads_) t.join();
}

void WebCallbackSender::send(std::vector<bus::Send> sends) {
  std::vector<bus::Send> to_bus;
  to_bus.reserve(sends.size());
  for (bus::Send& s : sends) {
    if (is_callback_url(s.target)) schedule(Clock::now(), Call{std::move(s)});
    else to_bus.push_back(std::move(s));
  }
  if (!to_bus.empty()) bus_.send(std::move(to_bus));
}

std::string WebCallbackSender::refusal_of(const std::string& target) const {
  if (!is_callback_url(target)) return bus_.refusal_of(target);
  sync::Lock lock(mutex_);
  auto it = refusals_.find(target);
  return it != refusals_.end() ? it->second : "refused by " + target;
}

void WebCallbackSender::stop() {
  std::multimap<Clock::time_point, Call> dropped;
  {
    sync::Lock lock(mutex_);
    stopping_ = true;
    dropped.swap(waiting_);
  }
  changed_.notify_all();
  // Not called: the rows stay in the outbox for the next start.
  for (auto& [due, call] : dropped) call.send.done(bus::Outcome::failed);
}

void WebCallbackSender::schedule(Clock::time_point due, Call call) {
  {
    sync::Lock lock(mutex_);
    if (!stopping_) {
      waiting_.emplace(due, std::move(call));
      ++scheduled_;
      changed_.notify_all();
      return;
    }
  }
  call.send.done(bus::Outcome::failed);
}

void WebCallbackSender::run() {
  for (;;) {
    Call call;
    {
      sync::Lock lock(mutex_);
      for (;;) {
        if (stopping_) return;
        const Clock::time_point now = Clock::now();
        if (!waiting_.empty() && waiting_.begin()->first <= now) break;
        const Clock::time_point until = waiting_.empty() ? now + std::chrono::seconds(1) : waiting_.begin()->first;
        const std::uint64_t seen = scheduled_;
        lock.wait_until(changed_, until, [this, seen]() CIMBUS_REQUIRES(mutex_) { return stopping_ || scheduled_ != seen; });
      }
      call = std::move(waiting_.begin()->second);
      waiting_.erase(waiting_.begin());
    }
    make(std::move(call));
  }
}

void WebCallbackSender::make(Call call) {
  const std::string& url = call.send.target;
  std::string why;
  bool final = false;
  try {
    callback_.call(url, call.send.message.body);
    call.send.done(bus::Outcome::accepted);
    return;
  } catch (const Rejection& refusal) {
    why = said(refusal);
    final = true;
  } catch (const std::exception& e) {
    why = e.what();
  } catch (...) {
    why = "an unknown failure";
  }
  ++call.attempt;
  if (final || call.attempt >= options_.attempts) {
    const std::string reason = final ? url + " refused the reply: " + why
                                     : "the reply was not taken by " + url + " in " + std::to_string(call.attempt) + " calls: " + why;
    {
      sync::Lock lock(mutex_);
      refusals_[url] = reason;
    }
    call.send.done(bus::Outcome::refused);
    return;
  }
  const auto pause = std::min<std::chrono::milliseconds>(options_.retry * (1 << std::min(call.attempt - 1, 16)), kLongestPause);
  log_.log().warn("call " + std::to_string(call.attempt) + " of " + std::to_string(options_.attempts) + " of the web-service callback " + url +
                  " failed (" + why + "); again in " + std::to_string(pause.count()) + " ms");
  schedule(Clock::now() + pause, std::move(call));
}

}  // namespace cimbus::adapter::detail
