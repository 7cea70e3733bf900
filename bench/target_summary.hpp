#pragma once
// The targets a benchmark checks, one line each in a file that scripts/bench turns into its
// closing table (bench/summary.py): what is asked, the value measured in this run, met or not.
// Nothing is asserted: the machine is shared and noisy, so a person reads the table.
//
//   TargetSummary summary(path);   // "" : nothing is written
//   summary.add("adapter throughput / raw Proton relay", ">= 0.90", "0.93", 0.93 >= 0.9);
//
// Threading: one thread.

#include <string>

namespace cimbus::bench {

class TargetSummary {
 public:
  explicit TargetSummary(std::string path) : path_(std::move(path)) {}

  // Appends "target<TAB>wanted<TAB>value<TAB>met|NOT MET". Returns `met`.
  bool add(const std::string& target, const std::string& wanted, const std::string& value, bool met) const;

 private:
  std::string path_;
};

// "%.2f" and the like, for values in the table.
std::string format(const char* pattern, double value);

}  // namespace cimbus::bench
