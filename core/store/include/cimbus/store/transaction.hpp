#pragma once
// One transaction on a store connection: what a handler and a system's backend write through.
// Everything written through it commits together, or not at all.
//
//   Transaction tx = store.begin();
//   Statement(tx, "INSERT INTO calls (customer) VALUES (?)").bind(1, customer).run();
//   tx.commit();   // without it, the destructor rolls back
//
// Threading: on the thread that began it.

#include <string>

#include "cimbus/store/connection.hpp"

namespace cimbus::store {

class Transaction {
 public:
  Transaction(Connection& connection, Durability durability);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // rolls back unless committed

  void commit();
  // Schema or other SQL without parameters (e.g. a backend creating its tables).
  void execute(const std::string& sql) { connection_->execute(sql); }
  Connection& connection() const { return *connection_; }

 private:
  Connection* connection_;
  bool open_ = true;
};

}  // namespace cimbus::store
