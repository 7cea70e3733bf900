#pragma once
// The state of a system outside cimbus (an OMS or WMS connected by web_services or json), read
// through that system's own API (GET <url>/state: {"records": [{noun, mrid, state, key}],
// "journal": [{noun, mrid, state, at}]}, key and at optional) and kept in a SQLite file of the
// storm's with the tables the report and the conservation check read (records, journal, and an
// empty traffic: the system counts no bus messages). Each refresh() replaces the file's content
// with what the system says now.
//
// While the storm runs, a thread of its own refreshes the file every `period` (the system may be
// away for a while, as the storm makes it: the storm's loop must not wait for it).
//
// Threading: refresh() on one thread at a time; the refreshing thread is the object's own.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cimbus/store/connection.hpp"

namespace cimbus::storm {

class ExternalState {
 public:
  // `url` is the system's base URL (the adapter's connector.url); `file` is created or emptied.
  ExternalState(std::string url, const std::string& file);
  ~ExternalState();  // stop_refreshing()

  // Throws std::runtime_error when the system does not answer or answers what is not its state.
  void refresh();
  // Refreshes every `period` on a thread of its own until stop_refreshing(); failures are counted
  // (the next refresh may succeed).
  void start_refreshing(std::chrono::milliseconds period);
  void stop_refreshing();
  int failed_refreshes() const { return failed_.load(); }

 private:
  std::string url_;
  std::mutex mutex_;  // one refresh at a time
  std::unique_ptr<store::Connection> connection_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> failed_{0};
  std::thread thread_;
};

}  // namespace cimbus::storm
