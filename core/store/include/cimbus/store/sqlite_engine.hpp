#pragma once
// The SQLite engine of the store: a Connection (connection.hpp) on one file. Code that takes the
// configured location calls open_store (store_location.hpp), which comes here for a path.
//
//   auto connection = store::open_sqlite("oms.sqlite");                                 // the adapter's store
//   auto view = store::open_sqlite("oms.sqlite", {store::OpenOptions::read_only});      // a look from outside

#include <memory>
#include <string>

#include "cimbus/store/connection.hpp"
#include "cimbus/store/store_location.hpp"

namespace cimbus::store {

// Throws std::runtime_error naming the file and SQLite's message.
std::unique_ptr<Connection> open_sqlite(const std::string& path, OpenOptions how = {});

}  // namespace cimbus::store
