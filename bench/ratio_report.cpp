#include "ratio_report.hpp"

#include <algorithm>

#include <cstdio>

namespace cimbus::bench {

namespace {

std::pair<std::string, std::string> split_name(const std::string& name) {
  const auto slash = name.find('/');
  if (slash == std::string::npos) return {name, ""};
  return {name.substr(0, slash), name.substr(slash + 1)};
}

}  // namespace

RatioReport::RatioReport(std::string baseline_family, std::vector<Target> targets)
    : ConsoleReporter(OO_Tabular), baseline_family_(std::move(baseline_family)), targets_(std::move(targets)) {}

void RatioReport::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  // With --benchmark_repetitions, the figure is the repetitions' "min" when the benchmark computes
  // it, else their median; otherwise the one run.
  std::string aggregate;
  for (const Run& run : runs)
    if (run.run_type == Run::RT_Aggregate && (run.aggregate_name == "min" || (run.aggregate_name == "median" && aggregate.empty())))
      aggregate = run.aggregate_name;
  for (const Run& run : runs) {
    if (aggregate.empty() ? run.run_type != Run::RT_Iteration
                          : !(run.run_type == Run::RT_Aggregate && run.aggregate_name == aggregate))
      continue;
    const std::string name = run.run_name.str();
    if (!figures_.count(name)) order_.push_back(name);
    Figure& f = figures_[name];
    if (run.error_occurred) {
      f.error = run.error_message;
      continue;
    }
    // CPU time: on a shared machine, time spent waiting for a core is not the code's cost.
    f.seconds_per_message = run.cpu_accumulated_time / static_cast<double>(run.iterations);
    const auto bytes = run.counters.find("bytes_per_message");
    if (bytes != run.counters.end()) f.bytes_per_message = bytes->second.value;
  }
}

void RatioReport::add(const std::string& name, double seconds_per_message, double bytes_per_message) {
  if (!figures_.count(name)) order_.push_back(name);
  figures_[name] = Figure{seconds_per_message, bytes_per_message, {}};
}

void RatioReport::add_error(const std::string& name, const std::string& error) {
  if (!figures_.count(name)) order_.push_back(name);
  figures_[name].error = error;
}

double RatioReport::seconds_per_message(const std::string& name) const {
  const auto it = figures_.find(name);
  return it == figures_.end() || !it->second.error.empty() ? 0 : it->second.seconds_per_message;
}

double RatioReport::max_ratio(const std::string& name) const {
  const auto [family, which] = split_name(name);
  for (const Target& t : targets_)
    if (t.family == family && which.rfind(t.case_prefix, 0) == 0) return t.max_ratio;
  return 0;
}

bool RatioReport::print_table() const {
  bool ok = true;
  std::printf("\n%-40s %10s %12s %10s %10s %8s\n", "benchmark", "bytes", "msg/s", "MB/s", "ratio", "target");
  std::vector<std::string> order;
  for (const std::string& name : preferred_order_)
    if (figures_.count(name)) order.push_back(name);
  for (const std::string& name : order_)
    if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
  for (const std::string& name : order) {
    const Figure& f = figures_.at(name);
    if (!f.error.empty()) {
      std::printf("%-40s failed: %s\n", name.c_str(), f.error.c_str());
      ok = false;
      continue;
    }
    const auto [family, which] = split_name(name);
    const double rate = 1.0 / f.seconds_per_message;
    std::string ratio = "-", target = "-";
    const auto base = figures_.find(baseline_family_ + "/" + which);
    if (family != baseline_family_) {
      if (base == figures_.end() || base->second.seconds_per_message == 0) {
        ok = false;
      } else {
        char buf[32];
        const double r = f.seconds_per_message / base->second.seconds_per_message;
        std::snprintf(buf, sizeof buf, r < 0.1 ? "%.3fx" : "%.2fx", r);
        ratio = buf;
      }
      if (const double max = max_ratio(name); max > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "<=%.2gx", max);
        target = buf;
      }
    } else {
      ratio = "1.00x";
    }
    std::printf("%-40s %10.0f %12.0f %10.1f %10s %8s\n", name.c_str(), f.bytes_per_message, rate,
                rate * f.bytes_per_message / 1e6, ratio.c_str(), target.c_str());
  }
  std::printf("ratio = time per message / time per message of %s on the same message, same run\n",
              baseline_family_.c_str());
  return ok;
}

}  // namespace cimbus::bench
