#include "prometheus_text.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

namespace cimbus::adapter::detail {

namespace {

std::string escaped_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// HELP text escapes backslash and line feed only.
std::string escaped_help(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

std::string prometheus_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return std::to_string(static_cast<std::int64_t>(value));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

void PrometheusText::family(const std::string& name, const std::string& help, const std::string& type) {
  text_ += "# HELP " + name + " " + escaped_help(help) + "\n# TYPE " + name + " " + type + "\n";
}

void PrometheusText::sample(const std::string& name, const Labels& labels, double value) {
  text_ += name;
  if (!labels.empty()) {
    text_ += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) text_ += ',';
      text_ += labels[i].first + "=\"" + escaped_label(labels[i].second) + '"';
    }
    text_ += '}';
  }
  text_ += ' ' + prometheus_number(value) + '\n';
}

void PrometheusText::histogram(const std::string& name, const Labels& labels, const std::vector<double>& bounds,
                               const std::vector<std::uint64_t>& counts, double sum) {
  std::uint64_t cumulative = 0;
  Labels with_le = labels;
  with_le.emplace_back("le", "");
  for (std::size_t i = 0; i <= bounds.size(); ++i) {
    cumulative += i < counts.size() ? counts[i] : 0;
    with_le.back().second = i < bounds.size() ? prometheus_number(bounds[i]) : "+Inf";
    sample(name + "_bucket", with_le, static_cast<double>(cumulative));
  }
  sample(name + "_sum", labels, sum);
  sample(name + "_count", labels, static_cast<double>(cumulative));
}

}  // namespace cimbus::adapter::detail
