#pragma once
// A titled text table for the storm's report: columns sized to their content, numbers aligned
// right, so that runs can be compared at a glance.

#include <ostream>
#include <string>
#include <vector>

namespace cimbus::storm {

class Table {
 public:
  Table(std::string title, std::vector<std::string> columns);
  void add(std::vector<std::string> row);
  void print(std::ostream& out) const;

 private:
  std::string title_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Fixed-point text of a number ("12.3").
std::string fixed(double value, int decimals = 1);

}  // namespace cimbus::storm
