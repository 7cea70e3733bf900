#pragma once
// A read-only look into a role's SQLite file while it runs (WAL: readers never block the role) or
// after it stopped: what the progress bar, the report and the conservation check read.

#include <cstdint>
#include <string>
#include <vector>

struct sqlite3;

namespace cimbus::storm {

// Opens a role's SQLite file with `flags` (SQLITE_OPEN_*) and a busy timeout for the moments the
// role writes; throws std::runtime_error naming the file.
sqlite3* open_store_file(const std::string& path, int flags);

class StoreView {
 public:
  explicit StoreView(const std::string& path);  // throws when the file cannot be opened
  ~StoreView();
  StoreView(const StoreView&) = delete;
  StoreView& operator=(const StoreView&) = delete;

  // Values bound to the statement's parameters in order (?1, ?2, ...), as text.
  using Params = std::vector<std::string>;

  // The first column of the first row as a number (0 without a row, or for NULL).
  std::int64_t number(const std::string& sql, const Params& params = {}) const;
  // Every row, each column as text. Any error (a missing table or column, a damaged file) throws
  // std::runtime_error with SQLite's message and the statement: a check must never pass because
  // its query read nothing.
  std::vector<std::vector<std::string>> rows(const std::string& sql, const Params& params = {}) const;

  // "?, ?, ?" for a list of `n` values bound as Params (SQL has no list parameter).
  static std::string placeholders(std::size_t n);

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace cimbus::storm
