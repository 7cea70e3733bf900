#pragma once
// What the runtime's parts share to report: the adapter's statistics (AdapterStats, read by any
// thread), its metrics (Prometheus, metrics.hpp) and its log lines, which name the instance.
//
// Threading: every member may be called from any thread.

#include <set>
#include <string>

#include "cimbus/runtime/adapter_stats.hpp"
#include "cimbus/runtime/log.hpp"
#include "cimbus/sync/mutex.hpp"
#include "metrics.hpp"

namespace cimbus::adapter::detail {

class RuntimeLog {
 public:
  explicit RuntimeLog(const std::string& instance, const std::string& system = "") : log_(instance, system), metrics_(system, instance) {}

  // The instance's log: info for the lifecycle, warn for what the runtime handled (a message
  // given up, a reply nobody awaits), error for what failed.
  const Log& log() const { return log_; }
  // Warns of `text` unless it was logged before (broker errors repeat at every retry).
  void warn_once(const std::string& text);
  // Warns of `text` unless something was logged with `key` before.
  void warn_once(const std::string& key, const std::string& text);
  // True the first time `key` is seen since the start, or since forget() of a prefix of it: a
  // line that repeats (at every retry) is written once, and again after what it is about changed.
  bool first_time(const std::string& key);
  void forget(const std::string& prefix);

  Metrics& metrics() { return metrics_; }
  const Metrics& metrics() const { return metrics_; }

  template <class F>
  void count(F change) {
    sync::Lock lock(mutex_);
    change(stats_);
  }
  AdapterStats stats() const {
    sync::Lock lock(mutex_);
    return stats_;
  }

 private:
  Log log_;
  Metrics metrics_;
  mutable sync::Mutex mutex_;
  AdapterStats stats_ CIMBUS_GUARDED_BY(mutex_);
  std::set<std::string> logged_ CIMBUS_GUARDED_BY(mutex_);
};

}  // namespace cimbus::adapter::detail
