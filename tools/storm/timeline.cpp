#include "timeline.hpp"

#include <cmath>
#include <sstream>

#include <httplib.h>

#include "cimbus/http/http_url.hpp"
#include "table.hpp"

namespace cimbus::storm {

namespace {

// The value of a sample line of the Prometheus text format, and its labels' text.
bool sample_of(const std::string& line, const std::string& name, std::string& labels, double& value) {
  if (line.rfind(name, 0) != 0) return false;
  const std::size_t open = line.find('{'), space = line.rfind(' ');
  if (space == std::string::npos) return false;
  if (open == name.size()) {
    const std::size_t close = line.find('}', open);
    if (close == std::string::npos) return false;
    labels = line.substr(open + 1, close - open - 1);
  } else if (space != name.size()) {
    return false;
  }
  value = std::strtod(line.c_str() + space + 1, nullptr);
  return true;
}

std::string label(const std::string& labels, const std::string& key) {
  const std::string start = key + "=\"";
  const std::size_t at = labels.find(start);
  if (at == std::string::npos) return {};
  const std::size_t end = labels.find('"', at + start.size());
  return labels.substr(at + start.size(), end - at - start.size());
}

// The smallest bucket bound holding share `q` of what the buckets counted (cumulative counts).
std::string quantile(const std::map<double, double>& buckets, double q) {
  const double total = buckets.empty() ? 0 : buckets.rbegin()->second;
  if (total <= 0) return "";
  for (const auto& [bound, count] : buckets)
    if (count >= q * total) return std::isinf(bound) ? "> max" : "≤ " + fixed(bound * 1000, 0);
  return "";
}

}  // namespace

Timeline::Timeline(std::chrono::seconds every, std::vector<std::pair<std::string, std::string>> endpoints, std::string token)
    : every_(every), endpoints_(std::move(endpoints)), token_(std::move(token)) {
  last_counters_ = read_counters();
}

Timeline::Counters Timeline::read_counters() const {
  Counters c;
  for (const auto& [name, url] : endpoints_) {
    const auto parts = http::parse_http_url(url);
    if (!parts) continue;
    httplib::Client client(parts->origin);
    client.set_connection_timeout(std::chrono::seconds(2));
    client.set_read_timeout(std::chrono::seconds(10));
    if (!token_.empty()) client.set_bearer_token_auth(token_);
    auto got = client.Get("/metrics");
    if (!got || got->status != 200) continue;  // a process away (a crash drill): counted at the next row
    std::istringstream lines(got->body);
    for (std::string line, labels; std::getline(lines, line);) {
      double value = 0;
      if (sample_of(line, "cimbus_messages_total", labels, value) && label(labels, "direction") == "in") c.messages_in += value;
      if (name.rfind("cis", 0) == 0 && sample_of(line, "cimbus_request_duration_seconds_bucket", labels, value) &&
          label(labels, "noun") == "TroubleTickets" && label(labels, "verb") == "create") {
        const std::string le = label(labels, "le");
        c.create_buckets[le == "+Inf" ? INFINITY : std::strtod(le.c_str(), nullptr)] += value;
      }
    }
  }
  return c;
}

void Timeline::sample(double elapsed_s, const Progress& progress, const std::vector<Stack::ProcessFigures>& processes, bool last) {
  if (!last && elapsed_s - last_at_s_ < static_cast<double>(every_.count())) return;
  if (last && elapsed_s - last_at_s_ < 0.5) return;
  const Counters now = read_counters();
  Row row;
  row.at_s = elapsed_s;
  row.calls = progress.calls - last_progress_.calls;
  row.tickets = progress.oms_tickets - last_progress_.oms_tickets;
  row.incidents_open = progress.incidents_open;
  row.messages_per_s = std::max(0.0, now.messages_in - last_counters_.messages_in) / (elapsed_s - last_at_s_);
  std::map<double, double> interval;
  for (const auto& [bound, count] : now.create_buckets) {
    auto before = last_counters_.create_buckets.find(bound);
    interval[bound] = std::max(0.0, count - (before == last_counters_.create_buckets.end() ? 0.0 : before->second));
  }
  row.p50 = quantile(interval, 0.5);
  row.p99 = quantile(interval, 0.99);
  for (const auto& p : processes) row.peak_kb.emplace_back(p.name, p.peak_kb);
  rows_.push_back(std::move(row));
  last_at_s_ = elapsed_s;
  last_progress_ = progress;
  last_counters_ = now;
}

void Timeline::print(std::ostream& out) const {
  if (rows_.empty()) return;
  std::vector<std::string> columns{"until s", "calls", "tickets", "incidents open", "msgs/s", "create p50 ms", "p99 ms"};
  for (const auto& [name, kb] : rows_.front().peak_kb) columns.push_back(name + " MB");
  Table t("The storm per " + std::to_string(every_.count()) + " s (calls taken and tickets made in each interval; messages taken in by the "
          "adapters; the CIS's TroubleTickets create at its histogram's bounds; peak resident memory so far)",
          columns);
  for (const Row& r : rows_) {
    std::vector<std::string> cells{fixed(r.at_s, 0), std::to_string(r.calls), std::to_string(r.tickets), std::to_string(r.incidents_open),
                                   fixed(r.messages_per_s, 0), r.p50, r.p99};
    for (const auto& [name, kb] : r.peak_kb) cells.push_back(fixed(static_cast<double>(kb) / 1024.0, 0));
    cells.resize(columns.size());
    t.add(std::move(cells));
  }
  t.print(out);
}

}  // namespace cimbus::storm
