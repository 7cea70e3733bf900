#pragma once
// A system's state as the storm sees it: read through HTTP from where the system serves it, and
// kept in a SQLite file of the storm's own with the tables the progress line, the report and the
// conservation check read. The storm never opens the processes' files, so it works with any store
// engine and with systems on other hosts.
//
// Sources, each a URL answering JSON:
//   a reference system's read API (GET <endpoint>/reference/state, adapters/common/state_route.hpp)
//   or an outside system's own (GET <url>/state): members named after tables, each a list of row
//   objects (records, journal, calls, service_needs, requests, notifications, outages);
//   an adapter's GET <endpoint>/backlog: one object, a row of `backlog` (outbox_rows, inbox_dead);
//   an adapter's GET <endpoint>/journal/counts: `counts`, its messages by kind and result.
// Members and fields the file has no table or column for are ignored. Each refresh reads its
// sources first and then replaces the tables they answered in one transaction: a system that is
// away (a crash drill) leaves its last state in place.
//
// While the storm runs, a thread of its own refreshes the file every `period`, or, when a refresh
// takes longer (a big state), after nine times as long as it took (30 s at most), so that reading
// the state costs the machine about a tenth: the storm's loop never waits for a system.
//
// Threading: refresh() on one thread at a time; the refreshing thread is the object's own.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cimbus/store/connection.hpp"

namespace cimbus::storm {

// The file's tables and their columns, by name.
using Tables = std::map<std::string, std::vector<std::string>>;

struct StateSource {
  std::string url;           // read by refresh(final)
  std::string row_of;        // non-empty: the whole answer is one row of this table (e.g. "backlog")
  std::string progress_url;  // read while the storm runs (a lighter query); empty: only at the end
  std::string token;         // a bearer token, for an endpoint that requires credentials
};

class SystemState {
 public:
  // `file` is created or emptied.
  SystemState(std::vector<StateSource> sources, const std::string& file);
  ~SystemState();  // stop_refreshing()
  SystemState(const SystemState&) = delete;
  SystemState& operator=(const SystemState&) = delete;

  const std::string& file() const { return file_; }

  // Reads every source's `url` (`final`), or the `progress_url` of those that have one. Throws
  // std::runtime_error when a source does not answer, or answers what is not JSON.
  void refresh(bool final = true);
  // Refreshes for progress every `period` on a thread of its own until stop_refreshing(); failures are counted
  // (the next refresh may succeed).
  void start_refreshing(std::chrono::milliseconds period);
  void stop_refreshing();
  int failed_refreshes() const { return failed_.load(); }
  // Refreshes that changed the file so far: what reads it need not read again until this moves.
  std::uint64_t refreshes() const { return refreshes_.load(); }
  std::string last_failure() const;

 private:
  const std::vector<StateSource> sources_;
  const std::string file_;
  mutable std::mutex mutex_;  // one refresh at a time; last_failure_
  std::unique_ptr<store::Connection> connection_;
  Tables tables_;  // set once, at construction
  std::atomic<bool> stopping_{false};
  std::atomic<int> failed_{0};
  std::atomic<std::uint64_t> refreshes_{0};
  std::string last_failure_;
  std::thread thread_;
};

}  // namespace cimbus::storm
