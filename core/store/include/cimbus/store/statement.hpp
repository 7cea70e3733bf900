#pragma once
// A prepared SQLite statement with bound parameters; throws std::runtime_error with SQLite's
// message on any error. Statements run for every message come from a StatementCache: prepared
// once, reset after each use. The store uses them, and so do the embedded systems of record
// (adapters/), inside the handler's transaction (Context::db()).
//
//   Statement(db, "UPDATE tickets SET state = ? WHERE mrid = ?").bind(1, state).bind(2, mrid).run();
//   Statement rows(db, "SELECT mrid FROM tickets WHERE state = ?");
//   rows.bind(1, "open");
//   while (rows.step()) use(rows.text(0));

#include <cstdint>
#include <string>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace cimbus::store {

// Prepared statements of one connection, by SQL text (string literals: keyed by address).
class StatementCache {
 public:
  explicit StatementCache(sqlite3* db) : db_(db) {}
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  sqlite3* db() const { return db_; }
  sqlite3_stmt* get(const char* sql);

 private:
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

class Statement {
 public:
  Statement(sqlite3* db, const char* sql);
  // A cached statement: reset and cleared, not finalized, at the end.
  Statement(StatementCache& cache, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text);
  Statement& bind(int index, std::int64_t number);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, const std::string& bytes);
  // Steps once: true while a row is available.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Ready to run again with new bindings.
  void reset();

  std::string text(int column) const;
  std::int64_t number(int column) const;
  bool is_null(int column) const;
  std::string blob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
  bool cached_ = false;
};

// Runs SQL without parameters (schema, pragmas, BEGIN/COMMIT); several statements may follow
// one another.
void execute(sqlite3* db, const char* sql);
inline void execute(sqlite3* db, const std::string& sql) { execute(db, sql.c_str()); }

}  // namespace cimbus::store
