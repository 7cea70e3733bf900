#include "table.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace cimbus::storm {

namespace {

bool numeric(const std::string& text) {
  return !text.empty() && text.find_first_not_of("0123456789.-%") == std::string::npos;
}

}  // namespace

Table::Table(std::string title, std::vector<std::string> columns) : title_(std::move(title)), columns_(std::move(columns)) {}

void Table::add(std::vector<std::string> row) {
  row.resize(columns_.size());
  rows_.push_back(std::move(row));
}

void Table::print(std::ostream& out) const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].size());
  }
  // A column of numbers is aligned right.
  std::vector<bool> right(columns_.size(), false);
  for (std::size_t c = 1; c < columns_.size(); ++c) {
    bool any = false, all = true;
    for (const auto& row : rows_) {
      if (row[c].empty()) continue;
      any = true;
      all = all && numeric(row[c]);
    }
    right[c] = any && all;
  }
  auto cell = [&](const std::string& text, std::size_t c, bool align_right) {
    out << (align_right ? fmt::format("  {:>{}}", text, width[c]) : fmt::format("  {:<{}}", text, width[c]));
  };
  out << "\n" << title_ << "\n";
  for (std::size_t c = 0; c < columns_.size(); ++c) cell(columns_[c], c, right[c]);
  out << "\n";
  for (std::size_t c = 0; c < columns_.size(); ++c) out << fmt::format("  {:-<{}}", "", width[c]);
  out << "\n";
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < columns_.size(); ++c) cell(row[c], c, right[c]);
    out << "\n";
  }
}

std::string fixed(double value, int decimals) { return fmt::format("{:.{}f}", value, decimals); }

}  // namespace cimbus::storm
