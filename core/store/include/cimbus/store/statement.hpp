#pragma once
// A prepared statement with bound parameters, on any engine (connection.hpp); throws
// std::runtime_error with the engine's message on any error. The store uses them, and so do the
// systems of record, inside the handler's transaction (Context::tx()).
//
//   Statement(tx, "UPDATE tickets SET state = ? WHERE mrid = ?").bind(1, state).bind(2, mrid).run();
//   Statement rows(tx, "SELECT mrid FROM tickets WHERE state = ?");
//   rows.bind(1, "open");
//   while (rows.step()) use(rows.text(0));
//
// SQL run for every message is better kept prepared: Statement::cached(connection, "literal").

#include <cstdint>
#include <memory>
#include <string>

#include "cimbus/store/connection.hpp"

namespace cimbus::store {

class Transaction;

class Statement {
 public:
  Statement(Connection& connection, const char* sql);
  Statement(Transaction& tx, const char* sql);
  Statement(Transaction& tx, const std::string& sql) : Statement(tx, sql.c_str()) {}
  // The connection's kept statement for `sql`, a string literal: prepared once, reset at the end
  // instead of finalized (a parameter not bound in the next use is NULL, as in a new statement).
  // A nested use of the same SQL gets a statement of its own.
  static Statement cached(Connection& connection, const char* sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text);
  Statement& bind(int index, const char* text) { return bind(index, std::string(text)); }
  Statement& bind(int index, std::int64_t number);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, const std::string& bytes);
  // Steps once: true while a row is available.
  bool step();
  // Runs a statement that returns no rows; returns how many rows it changed.
  std::int64_t run();
  // Runs an INSERT ... RETURNING id (SQL both engines read) and gives the id of its row.
  std::int64_t returned_id();
  // Ready to run again with new bindings.
  void reset();

  int parameters() const { return prepared_->parameters(); }
  int columns() const { return prepared_->columns(); }
  std::string text(int column) const { return prepared_->text(column); }
  std::int64_t number(int column) const { return prepared_->number(column); }
  bool is_null(int column) const { return prepared_->is_null(column); }
  std::string blob(int column) const { return prepared_->blob(column); }

 private:
  Statement(Connection& connection, Connection::Prepared* kept, const char* sql);
  Connection* connection_;
  Connection::Prepared* prepared_;
  std::unique_ptr<Connection::Prepared> owned_;  // null for a kept statement
  const char* kept_sql_ = nullptr;               // a kept statement: released at the end
};

}  // namespace cimbus::store
