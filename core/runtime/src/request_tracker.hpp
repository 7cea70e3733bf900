#pragma once
// The requests this adapter sent and awaits replies to: their correlation entries in the store
// (which outlive the process), their deadlines, and the futures of Adapter::request().
//
// A reply or the deadline ends an entry exactly once. A reply's future is fulfilled only after
// the transaction that took the reply commits (after_commit()).
//
// Threading: the worker thread's own, except await() and fail_all(), which may be called from
// any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cimbus/envelope.pb.h"
#include "cimbus/runtime/replies.hpp"
#include "cimbus/store/store.hpp"
#include "cimbus/sync/mutex.hpp"
#include "metrics.hpp"

namespace cimbus::adapter::detail {

class RequestTracker {
 public:
  // `metrics` (if any) gets the time from each request to its final reply.
  explicit RequestTracker(store::Store& store, Metrics* metrics = nullptr);

  // A request sent in `tx`, awaited until `deadline_ms` (ms since the epoch).
  void sent(store::Transaction& tx, const std::string& message_id, const std::string& noun, const std::string& verb,
            std::int64_t deadline_ms);
  // A reply to `correlation` taken in `tx`: false when nothing awaits it (late, or unknown).
  // `final` is false for an acknowledgement or a page that more pages follow.
  bool replied(store::Transaction& tx, const std::string& correlation, const Envelope& reply, bool final);
  // True while the request `correlation` awaits replies.
  bool awaits(store::Transaction& tx, const std::string& correlation) { return store_.correlations().awaits(tx, correlation); }
  // The transaction that took the reply with this MessageID rolled back.
  void forget_reply(const std::string& reply_message_id);

  // Whether a deadline has passed at `now_ms` (then expire() has work).
  bool due(std::int64_t now_ms) const { return next_deadline_ && *next_deadline_ <= now_ms; }
  // Requests whose deadline passed, each ended in `tx` with a 4.1 reply built by `timeout_reply`;
  // returns them with their noun (for the reply handlers).
  struct Expired {
    std::string noun;
    Envelope reply;
  };
  std::vector<Expired> expire(store::Transaction& tx, std::int64_t now_ms,
                              const std::function<Envelope(const std::string& noun, const std::string& message_id)>& timeout_reply);
  // When the next deadline passes, if any request is awaited.
  std::optional<std::int64_t> next_deadline() const { return next_deadline_; }

  // After a commit: futures get the replies taken in it.
  void after_commit();
  // After a rollback: the replies taken in it are forgotten, and the deadlines read again.
  void after_rollback();

  // Any thread: the future of a request sent in a committed transaction.
  void await(const std::string& message_id, std::promise<Replies> promise);
  // Any thread: the adapter stops; futures still waiting fail.
  void fail_all(const std::string& why);

 private:
  struct Completion {
    std::string correlation;
    Envelope reply;
    bool final;
    bool timed_out;
  };
  struct Started {
    std::string noun;
    std::string verb;
    std::chrono::steady_clock::time_point at;
  };
  struct Awaited {
    std::promise<Replies> promise;
    Replies replies;
  };

  store::Store& store_;
  std::optional<std::int64_t> next_deadline_;  // ms since the epoch
  bool deadline_stale_ = false;                // entries were added or ended: read it again after the commit
  std::vector<Completion> completed_;          // replies of this transaction, for futures
  Metrics* metrics_;
  std::vector<std::pair<std::string, Started>> starting_;  // requests of this transaction
  std::map<std::string, Started> started_;     // requests awaited, by MessageID (those this process sent)

  sync::Mutex mutex_;
  std::map<std::string, Awaited> awaited_ CIMBUS_GUARDED_BY(mutex_);  // futures by MessageID
};

}  // namespace cimbus::adapter::detail
