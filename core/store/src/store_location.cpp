#include "cimbus/store/store_location.hpp"

#include "cimbus/store/postgresql_engine.hpp"
#include "cimbus/store/sqlite_engine.hpp"

namespace cimbus::store {

bool names_postgresql(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Connection> open_store(const std::string& location, OpenOptions how) {
  return names_postgresql(location) ? open_postgresql(location, how) : open_sqlite(location, how);
}

}  // namespace cimbus::store
