#pragma once
// What an adapter's store holds that is not done yet, counted across every instance sharing the
// file, and read from outside the adapter's worker (the operations endpoint's GET /backlog): a
// read-only connection of its own, which never blocks the writer (WAL).
//
//   StoreFigures f = read_store_figures("/var/lib/cimbus/oms.sqlite");
//   if (f.outbox_rows > 0 || f.inbox_dead > 0) ...

#include <cstdint>
#include <string>

namespace cimbus::store {

struct StoreFigures {
  std::int64_t outbox_rows = 0;    // messages not yet sent (replies, events, requests)
  std::int64_t inbox_entries = 0;  // messages taken in and kept for duplicate detection
  std::int64_t inbox_dead = 0;     // messages given up (dead-lettered) and not redriven
};

// Throws std::runtime_error when the file cannot be read.
StoreFigures read_store_figures(const std::string& store_path);

}  // namespace cimbus::store
