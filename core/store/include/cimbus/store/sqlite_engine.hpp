#pragma once
// The SQLite engine of the store: a Connection (connection.hpp) on one file.
//
//   auto connection = store::open_sqlite("oms.sqlite");                       // the adapter's store
//   auto view = store::open_sqlite("oms.sqlite", {SqliteOpen::read_only});     // a look from outside

#include <chrono>
#include <memory>
#include <string>

#include "cimbus/store/connection.hpp"

namespace cimbus::store {

struct SqliteOpen {
  enum Mode {
    create,      // read-write, the file created when missing; WAL and the store's tuning
    read_write,  // an existing file, read-write (e.g. writing a system's intake tables)
    read_only,   // an existing file, read only (WAL: never blocks its writer)
  };
  Mode mode = create;
  // How long a statement waits for another process's write lock before it fails.
  std::chrono::milliseconds busy_timeout{10000};
};

// Throws std::runtime_error naming the file and SQLite's message.
std::unique_ptr<Connection> open_sqlite(const std::string& path, SqliteOpen how = {});

}  // namespace cimbus::store
