#pragma once
// A prepared SQLite statement with bound parameters; throws std::runtime_error with SQLite's
// message on any error.

#include <cstdint>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace cimbus::store::detail {

class Statement {
 public:
  Statement(sqlite3* db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& text);
  Statement& bind(int index, std::int64_t number);
  Statement& bind_null(int index);
  // Steps once: true while a row is available.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  // Ready to run again with new bindings.
  void reset();

  std::string text(int column) const;
  std::int64_t number(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Runs SQL without parameters (schema, pragmas, BEGIN/COMMIT).
void execute(sqlite3* db, const char* sql);

}  // namespace cimbus::store::detail
