#pragma once
// A Google Benchmark reporter that prints the usual console lines and remembers each run, then a
// table of msg/s, MB/s and the ratio of every benchmark to the baseline of its message size.
//
// Benchmarks are named "<family>/<case>"; the baseline family is named in the constructor. A
// ratio is time per message of the benchmark divided by that of the baseline on the same case,
// measured in the same run, so that a shared, noisy machine affects both alike. Times are CPU
// time per message; with --benchmark_repetitions=N, the fastest of the N runs when the benchmark
// computes a "min" statistic, else their median.

#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

namespace cimbus::bench {

class RatioReport : public benchmark::ConsoleReporter {
 public:
  struct Target {
    std::string family;
    std::string case_prefix;  // "" for every case; the first target that matches applies
    double max_ratio;         // printed next to the ratio; not asserted (the machine is noisy)
  };

  RatioReport(std::string baseline_family, std::vector<Target> targets);

  void ReportRuns(const std::vector<Run>& runs) override;

  // Figures measured outside Google Benchmark (a peer stack in another process).
  void add(const std::string& name, double seconds_per_message, double bytes_per_message);
  void add_error(const std::string& name, const std::string& error);

  // The table's order: these names first, as given (with random interleaving, the runs come in
  // no fixed order), then the others as they came.
  void order_as(std::vector<std::string> names) { preferred_order_ = std::move(names); }

  // Prints the table to stdout. Returns false when a benchmark failed or a baseline is missing.
  bool print_table() const;

  // The CPU time per message of "<family>/<case>", or 0 when it did not run or failed.
  double seconds_per_message(const std::string& name) const;
  // The target ratio of "<family>/<case>" to the baseline, or 0 when it has none.
  double max_ratio(const std::string& name) const;

 private:
  struct Figure {
    double seconds_per_message = 0;
    double bytes_per_message = 0;
    std::string error;
  };

  std::string baseline_family_;
  std::vector<Target> targets_;
  std::vector<std::string> order_;  // as the runs came
  std::vector<std::string> preferred_order_;
  std::map<std::string, Figure> figures_;
};

}  // namespace cimbus::bench
