#pragma once
// A read-only look into one of the storm's state files (system_state.hpp) while its refresher
// writes it (WAL: readers never block it): what the progress bar, the report and the
// conservation check read.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cimbus/store/connection.hpp"

namespace cimbus::storm {

class StoreView {
 public:
  explicit StoreView(const std::string& path);  // throws when the file cannot be opened

  // Values bound to the statement's parameters in order (?1, ?2, ...), as text; there must be
  // exactly as many as the statement has.
  using Params = std::vector<std::string>;

  // The first column of the first row as a number (0 without a row, or for NULL).
  std::int64_t number(const std::string& sql, const Params& params = {}) const;
  // Every row, each column as text. Any error (a missing table or column, a damaged file) throws
  // std::runtime_error with the engine's message and the statement: a check must never pass
  // because its query read nothing.
  std::vector<std::vector<std::string>> rows(const std::string& sql, const Params& params = {}) const;

  // "?, ?, ?" for a list of `n` values bound as Params (SQL has no list parameter).
  static std::string placeholders(std::size_t n);

 private:
  std::unique_ptr<store::Connection> connection_;
};

}  // namespace cimbus::storm
