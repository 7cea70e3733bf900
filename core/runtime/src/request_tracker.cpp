#include "request_tracker.hpp"

#include <algorithm>

namespace cimbus::adapter::detail {

RequestTracker::RequestTracker(store::Store& store, Metrics* metrics)
    : store_(store), next_deadline_(store.correlations().next_deadline()), metrics_(metrics) {}

void RequestTracker::sent(store::Transaction& tx, const std::string& message_id, const std::string& noun, const std::string& verb,
                          std::int64_t deadline_ms) {
  store_.correlations().add(tx, {message_id, noun, deadline_ms});
  deadline_stale_ = true;
  starting_.push_back({message_id, {noun, verb, std::chrono::steady_clock::now()}});
}

bool RequestTracker::replied(store::Transaction& tx, const std::string& correlation, const Envelope& reply, bool final) {
  if (!store_.correlations().answer(tx, correlation, final)) return false;
  completed_.push_back({correlation, reply, final, false});
  return true;
}

void RequestTracker::forget_reply(const std::string& id) {
  completed_.erase(std::remove_if(completed_.begin(), completed_.end(),
                                  [&](const Completion& c) { return c.reply.message().header().message_id() == id; }),
                   completed_.end());
}

std::vector<RequestTracker::Expired> RequestTracker::expire(
    store::Transaction& tx, std::int64_t now_ms,
    const std::function<Envelope(const std::string&, const std::string&)>& timeout_reply) {
  std::vector<Expired> out;
  for (const auto& late : store_.correlations().expired(now_ms, 256)) {
    store_.correlations().answer(tx, late.message_id, true);
    Envelope reply = timeout_reply(late.noun, late.message_id);
    completed_.push_back({late.message_id, reply, true, true});
    out.push_back({late.noun, std::move(reply)});
  }
  deadline_stale_ = true;
  return out;
}

void RequestTracker::after_commit() {
  if (deadline_stale_) {
    next_deadline_ = store_.correlations().next_deadline();
    deadline_stale_ = false;
  }
  for (auto& [id, start] : starting_) started_.emplace(std::move(id), std::move(start));
  starting_.clear();
  for (const Completion& c : completed_) {
    if (!c.final) continue;
    auto it = started_.find(c.correlation);
    if (it == started_.end()) continue;  // sent before this process started
    if (metrics_ != nullptr && !c.timed_out) metrics_->request_time(it->second.noun, it->second.verb, std::chrono::steady_clock::now() - it->second.at);
    started_.erase(it);
  }
  if (completed_.empty()) return;
  sync::Lock lock(mutex_);
  for (Completion& c : completed_) {
    auto it = awaited_.find(c.correlation);
    if (it == awaited_.end()) continue;
    it->second.replies.pages.push_back(std::move(c.reply));
    if (!c.final) continue;
    it->second.promise.set_value(std::move(it->second.replies));
    awaited_.erase(it);
  }
  completed_.clear();
}

void RequestTracker::after_rollback() {
  completed_.clear();
  starting_.clear();
  deadline_stale_ = true;
}

void RequestTracker::await(const std::string& message_id, std::promise<Replies> promise) {
  sync::Lock lock(mutex_);
  awaited_[message_id].promise = std::move(promise);
}

void RequestTracker::fail_all(const std::string& why) {
  sync::Lock lock(mutex_);
  for (auto& [id, waiting] : awaited_) waiting.promise.set_exception(std::make_exception_ptr(std::runtime_error(why)));
  awaited_.clear();
}

}  // namespace cimbus::adapter::detail
