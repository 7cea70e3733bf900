#include "request_tracker.hpp"

#include <algorithm>

namespace cimbus::adapter::detail {

RequestTracker::RequestTracker(store::Store& store) : store_(store), next_deadline_(store.correlations().next_deadline()) {}

void RequestTracker::sent(store::Transaction& tx, const std::string& message_id, const std::string& noun, std::int64_t deadline_ms) {
  store_.correlations().add(tx, {message_id, noun, deadline_ms});
  deadline_stale_ = true;
}

bool RequestTracker::replied(store::Transaction& tx, const std::string& correlation, const Envelope& reply, bool final) {
  if (!store_.correlations().answer(tx, correlation, final)) return false;
  completed_.push_back({correlation, reply, final});
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
    completed_.push_back({late.message_id, reply, true});
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
