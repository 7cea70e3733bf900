#include "store_view.hpp"

#include <stdexcept>

#include "cimbus/store/sqlite_engine.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::storm {

StoreView::StoreView(const std::string& path)
    : connection_(store::open_sqlite(path, {store::OpenOptions::read_only, std::chrono::milliseconds(30000)})) {}

std::int64_t StoreView::number(const std::string& sql, const Params& params) const {
  auto r = rows(sql, params);
  return r.empty() || r[0].empty() ? 0 : std::atoll(r[0][0].c_str());
}

std::vector<std::vector<std::string>> StoreView::rows(const std::string& sql, const Params& params) const {
  try {
    store::Statement s(*connection_, sql.c_str());
    if (s.parameters() != static_cast<int>(params.size()))
      throw std::runtime_error(std::to_string(params.size()) + " values for " + std::to_string(s.parameters()) + " parameters");
    for (std::size_t i = 0; i < params.size(); ++i) s.bind(static_cast<int>(i + 1), params[i]);
    std::vector<std::vector<std::string>> out;
    while (s.step()) {
      std::vector<std::string> row;
      for (int i = 0; i < s.columns(); ++i) row.push_back(s.text(i));
      out.push_back(std::move(row));
    }
    return out;
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("storm: reading a role's store failed: ") + e.what() + " in: " + sql);
  }
}

std::string StoreView::placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

}  // namespace cimbus::storm
