#include "cimbus/store/connection.hpp"

namespace cimbus::store {

Connection::Prepared* Connection::cached(const char* sql) {
  Kept& kept = kept_[sql];
  if (kept.in_use) return nullptr;
  if (!kept.prepared) kept.prepared = prepare(sql, true);
  kept.in_use = true;
  return kept.prepared.get();
}

void Connection::release(const char* sql) {
  auto it = kept_.find(sql);
  if (it == kept_.end()) return;
  it->second.prepared->reset();
  it->second.in_use = false;
}

}  // namespace cimbus::store
