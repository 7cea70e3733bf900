#pragma once
// A nested unit inside a transaction (SQL SAVEPOINT): one message's effects, undone alone when
// its handler fails while the other messages of the batch commit. Savepoints nest (one operation
// of an OperationSet inside its message's).

#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

class Savepoint {
 public:
  explicit Savepoint(Transaction& tx);
  ~Savepoint();  // rolls back to the savepoint unless released
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  void release();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace cimbus::store
