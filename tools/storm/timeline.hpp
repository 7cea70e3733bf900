#pragma once
// The storm over time (issue 18, point 4): a row per interval (a minute by default) with the calls
// taken, the tickets the OMS made, the incidents open, the messages the adapters took in per second
// (every message through the broker is taken in by one of them), the p50 and p99 of the CIS's
// TroubleTickets create (sent to final reply, from its request-time histogram, so at the
// histogram's bucket bounds), and each process's peak resident memory so far.
//
//   Timeline timeline(std::chrono::seconds(60), stack.operations_endpoints(), token);
//   timeline.sample(elapsed_s, progress, stack.process_figures());   // as often as wanted: a row per interval
//   timeline.print(std::cout);
//
// Threading: one thread.

#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "report.hpp"
#include "stack.hpp"

namespace cimbus::storm {

class Timeline {
 public:
  Timeline(std::chrono::seconds every, std::vector<std::pair<std::string, std::string>> endpoints, std::string token);

  // Whether an interval has passed since the last row.
  bool due(double elapsed_s) const { return elapsed_s - last_at_s_ >= static_cast<double>(every_.count()); }
  // Adds a row when an interval has passed since the last one (or `last`: the end of the storm).
  void sample(double elapsed_s, const Progress& progress, const std::vector<Stack::ProcessFigures>& processes, bool last = false);
  void print(std::ostream& out) const;

 private:
  // What the adapters' /metrics say now: messages taken in, and the CIS's create histogram.
  struct Counters {
    double messages_in = 0;
    std::map<double, double> create_buckets;  // upper bound in s -> cumulative count
  };
  Counters read_counters() const;

  struct Row {
    double at_s = 0;
    std::int64_t calls = 0, tickets = 0, incidents_open = 0;
    double messages_per_s = 0;
    std::string p50, p99;
    std::vector<std::pair<std::string, long>> peak_kb;
  };

  std::chrono::seconds every_;
  std::vector<std::pair<std::string, std::string>> endpoints_;
  std::string token_;
  double last_at_s_ = 0;
  Progress last_progress_;
  Counters last_counters_;
  std::vector<Row> rows_;
};

}  // namespace cimbus::storm
