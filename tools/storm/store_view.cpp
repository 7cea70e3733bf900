#include "store_view.hpp"

#include <sqlite3.h>

#include <stdexcept>

namespace cimbus::storm {

sqlite3* open_store_file(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error(path + ": " + message);
  }
  sqlite3_busy_timeout(db, 30000);
  return db;
}

StoreView::StoreView(const std::string& path) : db_(open_store_file(path, SQLITE_OPEN_READONLY)) {}

StoreView::~StoreView() { sqlite3_close(db_); }

std::int64_t StoreView::number(const std::string& sql, const Params& params) const {
  auto r = rows(sql, params);
  return r.empty() || r[0].empty() ? 0 : std::atoll(r[0][0].c_str());
}

std::vector<std::vector<std::string>> StoreView::rows(const std::string& sql, const Params& params) const {
  auto fail = [&](sqlite3_stmt* s) {
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_finalize(s);
    throw std::runtime_error("storm: reading a role's store failed: " + message + " in: " + sql);
  };
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) fail(s);
  if (sqlite3_bind_parameter_count(s) != static_cast<int>(params.size())) {
    sqlite3_finalize(s);
    throw std::runtime_error("storm: " + std::to_string(params.size()) + " values for the parameters of: " + sql);
  }
  for (std::size_t i = 0; i < params.size(); ++i)
    if (sqlite3_bind_text(s, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT) != SQLITE_OK) fail(s);
  std::vector<std::vector<std::string>> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      const unsigned char* text = sqlite3_column_text(s, i);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    out.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) fail(s);
  sqlite3_finalize(s);
  return out;
}

std::string StoreView::placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace cimbus::storm
