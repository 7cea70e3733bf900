#include "cimbus/store/statement.hpp"

#include <stdexcept>

#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

Statement::Statement(Connection& connection, const char* sql)
    : connection_(&connection), owned_(connection.prepare(sql, false)) {
  prepared_ = owned_.get();
}

Statement::Statement(Transaction& tx, const char* sql) : Statement(tx.connection(), sql) {}

Statement::Statement(Connection& connection, Connection::Prepared* kept, const char* sql)
    : connection_(&connection), prepared_(kept), kept_sql_(sql) {}

Statement Statement::cached(Connection& connection, const char* sql) {
  if (Connection::Prepared* kept = connection.cached(sql)) return Statement(connection, kept, sql);
  return Statement(connection, sql);  // the kept one is in use further up
}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_), prepared_(other.prepared_), owned_(std::move(other.owned_)), kept_sql_(other.kept_sql_) {
  other.prepared_ = nullptr;
  other.kept_sql_ = nullptr;
}

Statement::~Statement() {
  if (kept_sql_ != nullptr) connection_->release(kept_sql_);
}

Statement& Statement::bind(int index, const std::string& text) {
  prepared_->bind_text(index, text);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t number) {
  prepared_->bind_number(index, number);
  return *this;
}

Statement& Statement::bind_null(int index) {
  prepared_->bind_null(index);
  return *this;
}

Statement& Statement::bind_blob(int index, const std::string& bytes) {
  prepared_->bind_blob(index, bytes);
  return *this;
}

bool Statement::step() { return prepared_->step(); }

std::int64_t Statement::run() {
  while (prepared_->step()) {
  }
  return connection_->changes();
}

std::int64_t Statement::returned_id() {
  if (!prepared_->step()) throw std::runtime_error("the insert returned no id");
  const std::int64_t id = prepared_->number(0);
  while (prepared_->step()) {
  }
  return id;
}

void Statement::reset() { prepared_->reset(); }

}  // namespace cimbus::store
