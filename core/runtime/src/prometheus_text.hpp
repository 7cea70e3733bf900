#pragma once
// A writer of the Prometheus text exposition format (version 0.0.4), the body of GET /metrics:
//
//   # HELP cimbus_messages_total Messages taken in and sent, by noun, verb and result.
//   # TYPE cimbus_messages_total counter
//   cimbus_messages_total{direction="in",noun="TroubleTickets",verb="create",result="ok"} 42
//
// Families are written whole, one after the other; label values are escaped as the format says
// (backslash, double quote, line feed). decisions/0027 says why cimbus writes it itself.
//
// Threading: one writer per thread.

#include <string>
#include <utility>
#include <vector>

namespace cimbus::adapter::detail {

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
 public:
  // Starts a family: its HELP and TYPE lines (type: counter, gauge, histogram).
  void family(const std::string& name, const std::string& help, const std::string& type);
  // One sample of the current family (`name` may add _bucket, _sum or _count to it).
  void sample(const std::string& name, const Labels& labels, double value);
  // The samples of one histogram: cumulative buckets with `le`, then _sum and _count.
  // `counts[i]` is the number of observations in (bounds[i-1], bounds[i]]; counts has one more
  // element than bounds, for +Inf.
  void histogram(const std::string& name, const Labels& labels, const std::vector<double>& bounds,
                 const std::vector<std::uint64_t>& counts, double sum);

  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// A number as the format writes it: integers without a fraction, +Inf, NaN.
std::string prometheus_number(double value);

}  // namespace cimbus::adapter::detail
