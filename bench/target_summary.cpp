#include "target_summary.hpp"

#include <cstdio>
#include <fstream>

namespace cimbus::bench {

bool TargetSummary::add(const std::string& target, const std::string& wanted, const std::string& value, bool met) const {
  if (path_.empty()) return met;
  std::ofstream out(path_, std::ios::app);
  out << target << '\t' << wanted << '\t' << value << '\t' << (met ? "met" : "NOT MET") << '\n';
  return met;
}

std::string format(const char* pattern, double value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, pattern, value);
  return buf;
}

}  // namespace cimbus::bench
