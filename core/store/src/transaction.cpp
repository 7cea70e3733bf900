#include "cimbus/store/transaction.hpp"

#include <stdexcept>

#include "cimbus/store/savepoint.hpp"

namespace cimbus::store {

Transaction::Transaction(Connection& connection, Durability durability) : connection_(&connection) {
  connection_->begin(durability);
}

Transaction::Transaction(Transaction&& other) noexcept : connection_(other.connection_), open_(other.open_) { other.open_ = false; }

Transaction::~Transaction() {
  if (open_) connection_->rollback();
}

void Transaction::commit() {
  if (!open_) throw std::logic_error("the transaction is already over");
  connection_->commit();
  open_ = false;
}

Savepoint::Savepoint(Transaction& tx) : connection_(tx.connection()) { connection_.execute_often("SAVEPOINT message"); }

Savepoint::~Savepoint() {
  if (!open_) return;
  try {
    connection_.execute_often("ROLLBACK TO message");
    connection_.execute_often("RELEASE message");
  } catch (...) {  // the transaction around it rolls back as a whole then
  }
}

void Savepoint::release() {
  connection_.execute_often("RELEASE message");
  open_ = false;
}

}  // namespace cimbus::store
