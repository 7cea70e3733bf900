#include "cimbus/store/store.hpp"

#include "cimbus/store/store_location.hpp"

namespace cimbus::store {

Store::Store(const std::string& path, std::string owner) : Store(open_store(path), std::move(owner)) {}

Store::Store(std::unique_ptr<Connection> connection, std::string owner)
    : connection_(std::move(connection)),
      owner_(std::move(owner)),
      inbox_(connection_.get()),
      outbox_(connection_.get(), &owner_),
      correlations_(connection_.get(), &owner_),
      acknowledged_calls_(connection_.get(), &owner_),
      seen_nonces_(connection_.get()),
      object_order_(connection_.get()),
      journal_(connection_.get()) {
  connection_->prepare_store_tables(owner_);
}

Store::~Store() = default;

Transaction Store::begin(Durability durability) { return Transaction(*connection_, durability); }

void Store::check_writable() {
  Transaction tx = begin();
  tx.execute("CREATE TABLE IF NOT EXISTS store_check (at INTEGER)");
  tx.execute("INSERT INTO store_check (at) VALUES (1)");
  tx.execute("DELETE FROM store_check");
  tx.commit();
}

}  // namespace cimbus::store
