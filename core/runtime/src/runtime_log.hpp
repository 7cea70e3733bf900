#pragma once
// What the runtime's parts share to report: the adapter's statistics (AdapterStats, read by any
// thread) and its log lines, which name the instance.
//
// Threading: every member may be called from any thread.

#include <mutex>
#include <set>
#include <string>

#include "cimbus/runtime/adapter_stats.hpp"

namespace cimbus::adapter::detail {

class RuntimeLog {
 public:
  explicit RuntimeLog(std::string instance) : instance_(std::move(instance)) {}

  void line(const std::string& text) const;
  // Logs `text` unless it was logged before (broker errors repeat at every retry).
  void once(const std::string& text);

  template <class F>
  void count(F change) {
    std::lock_guard<std::mutex> lock(mutex_);
    change(stats_);
  }
  AdapterStats stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  std::string instance_;
  mutable std::mutex mutex_;
  AdapterStats stats_;            // guarded by mutex_
  std::set<std::string> logged_;  // guarded by mutex_
};

}  // namespace cimbus::adapter::detail
