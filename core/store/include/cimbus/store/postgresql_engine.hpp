#pragma once
// The PostgreSQL engine of the store: a Connection (connection.hpp) to one database through libpq,
// for instances of one system on several hosts (decisions/0031). Code that takes the configured
// location calls open_store (store_location.hpp), which comes here for a postgresql:// URL.
//
//   auto connection = store::open_postgresql("postgresql://cimbus@db.example:5432/cimbus_oms");
//
// Same semantics as the SQLite engine: a transaction takes the database's write lock at begin (an
// advisory lock), so writers queue rather than interleave, exactly as on a shared SQLite file; a
// relaxed commit does not wait for the flush (synchronous_commit off). The SQL given to prepare()
// is translated: `?` and `?N` become `$N`, INTEGER becomes BIGINT, BLOB becomes BYTEA, and an
// INTEGER PRIMARY KEY AUTOINCREMENT an identity column.
//
// A password in the URL is refused: it would sit in a configuration file in clear. libpq reads it
// from PGPASSWORD or a password file (~/.pgpass, PGPASSFILE).
//
// Threading: like every Connection, used by one thread at a time.

#include <memory>
#include <string>

#include "cimbus/store/connection.hpp"
#include "cimbus/store/store_location.hpp"

namespace cimbus::store {

// Throws std::runtime_error naming the URL and the server's words.
std::unique_ptr<Connection> open_postgresql(const std::string& url, OpenOptions how = {});

// The URL of database `name` on the server `server_url` names (its path replaced).
std::string postgresql_database_url(const std::string& server_url, const std::string& name);

// Creates database `name` (letters, digits and _) on that server, dropping it first when
// `replace` (its connections ended); for scripts and tests that start from nothing.
void create_postgresql_database(const std::string& server_url, const std::string& name, bool replace);

// `sql` in PostgreSQL's dialect, as prepare() and execute() send it (exposed for tests).
std::string to_postgresql(const std::string& sql);

}  // namespace cimbus::store
