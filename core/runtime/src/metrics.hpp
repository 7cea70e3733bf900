#pragma once
// The adapter's Prometheus metrics (GET /metrics on its endpoint): what it took in and sent, by
// noun, verb and result; how long handlers and the requests it sent took; redeliveries, dead
// letters, reconnections, request time-outs; and, read from the store at each scrape, the outbox
// and the inbox. Counters start at zero with the process, as Prometheus expects.
//
// Results of a message taken in: ok (handled), failed (answered FAILED or Fault), duplicate (a
// MessageID handled before), retried (given back to the broker to try again), dead (given up,
// to the dead-letter queue), refused (another Context, an authorisation or ReplayDetection
// refusal, a misdirected ReplyAddress), unrouted (reported from cim.unrouted), late (a reply
// nothing awaits), parked (it came before its turn: taken later, decisions/0032). Of a message sent: sent (the broker accepted it), refused (moved to the
// dead-letter queue instead).
//
// Threading: every member may be called from any thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "cimbus/sync/mutex.hpp"

namespace cimbus::adapter::detail {

class Metrics {
 public:
  enum class Direction { in, out };
  // What is read at a scrape from the store (by the worker, each second) and the broker connection.
  struct Gauges {
    std::int64_t outbox_depth = 0;
    double outbox_oldest_age_s = 0;
    std::int64_t inbox_entries = 0;
    std::int64_t reconnects = 0;  // connections opened after the first
  };

  Metrics(std::string system, std::string instance);

  void message(Direction direction, const std::string& noun, const std::string& verb, const std::string& result);
  void handler_time(const std::string& noun, const std::string& verb, std::chrono::steady_clock::duration took);
  void request_time(const std::string& noun, const std::string& verb, std::chrono::steady_clock::duration took);
  void redelivery();
  // reason: a short name of the cause (max_attempts, invalid, unreadable, unrouted, context,
  // security, misdirected, refused, commit).
  void dead_letter(const std::string& reason);
  void request_timeout();
  // Per-object order (decisions/0032): a message taken after its wait for the one before it ended.
  void order_gap();

  // The exposition, with the store's figures.
  std::string text(const Gauges& gauges) const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> counts;  // one per bound, and +Inf
    double sum = 0;
  };
  using MessageKey = std::tuple<Direction, std::string, std::string, std::string>;
  using NounVerb = std::pair<std::string, std::string>;
  static void observe(Histogram& h, const std::vector<double>& bounds, double seconds);

  const std::string system_;
  const std::string instance_;
  mutable sync::Mutex mutex_;
  std::map<MessageKey, std::uint64_t> messages_ CIMBUS_GUARDED_BY(mutex_);
  std::map<NounVerb, Histogram> handler_times_ CIMBUS_GUARDED_BY(mutex_);
  std::map<NounVerb, Histogram> request_times_ CIMBUS_GUARDED_BY(mutex_);
  std::map<std::string, std::uint64_t> dead_letters_ CIMBUS_GUARDED_BY(mutex_);
  std::uint64_t redeliveries_ CIMBUS_GUARDED_BY(mutex_) = 0;
  std::uint64_t request_timeouts_ CIMBUS_GUARDED_BY(mutex_) = 0;
  std::uint64_t order_gaps_ CIMBUS_GUARDED_BY(mutex_) = 0;
};

}  // namespace cimbus::adapter::detail
