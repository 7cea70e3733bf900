#pragma once
// Where a store is, as the configuration's `store:` says: a SQLite file's path, or the URL of a
// PostgreSQL database (postgresql://user@host:port/database; the password from the environment,
// PGPASSWORD or a password file). One call opens either engine (decisions/0031).
//
//   auto connection = store::open_store(config.store());                                  // the adapter's own
//   auto view = store::open_store(config.store(), {store::OpenOptions::read_only});        // a look from outside

#include <chrono>
#include <memory>
#include <string>

#include "cimbus/store/connection.hpp"

namespace cimbus::store {

struct OpenOptions {
  enum Mode {
    create,      // read-write; SQLite creates the file when missing and tunes it (WAL)
    read_write,  // an existing store, read-write (e.g. writing a system's intake tables)
    read_only,   // an existing store, read only: never blocks its writer
  };
  Mode mode = create;
  // How long a transaction waits for another writer's lock before it fails (blaming the store).
  std::chrono::milliseconds lock_wait{10000};
};

// True for a postgresql:// or postgres:// URL; anything else is a SQLite file's path.
bool names_postgresql(const std::string& location);

// Throws std::runtime_error naming the location and the engine's words.
std::unique_ptr<Connection> open_store(const std::string& location, OpenOptions how = {});

}  // namespace cimbus::store
