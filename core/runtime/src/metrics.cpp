#include "metrics.hpp"

#include <algorithm>

#include "prometheus_text.hpp"

#ifndef CIMBUS_VERSION
#define CIMBUS_VERSION "unknown"
#endif

namespace cimbus::adapter::detail {

namespace {

// Seconds. A handler runs in the worker's transaction: sub-millisecond to a second.
const std::vector<double> kHandlerBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
// A request waits for another system and its reply: milliseconds to minutes.
const std::vector<double> kRequestBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

const char* name_of(Metrics::Direction d) { return d == Metrics::Direction::in ? "in" : "out"; }

double seconds_of(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

Metrics::Metrics(std::string system, std::string instance) : system_(std::move(system)), instance_(std::move(instance)) {}

void Metrics::message(Direction direction, const std::string& noun, const std::string& verb, const std::string& result) {
  sync::Lock lock(mutex_);
  ++messages_[{direction, noun, verb, result}];
}

void Metrics::observe(Histogram& h, const std::vector<double>& bounds, double seconds) {
  if (h.counts.empty()) h.counts.resize(bounds.size() + 1);
  const auto at = std::lower_bound(bounds.begin(), bounds.end(), seconds);  // le: the first bound >= it
  ++h.counts[static_cast<std::size_t>(at - bounds.begin())];
  h.sum += seconds;
}

void Metrics::handler_time(const std::string& noun, const std::string& verb, std::chrono::steady_clock::duration took) {
  sync::Lock lock(mutex_);
  observe(handler_times_[{noun, verb}], kHandlerBounds, seconds_of(took));
}

void Metrics::request_time(const std::string& noun, const std::string& verb, std::chrono::steady_clock::duration took) {
  sync::Lock lock(mutex_);
  observe(request_times_[{noun, verb}], kRequestBounds, seconds_of(took));
}

void Metrics::redelivery() {
  sync::Lock lock(mutex_);
  ++redeliveries_;
}

void Metrics::dead_letter(const std::string& reason) {
  sync::Lock lock(mutex_);
  ++dead_letters_[reason];
}

void Metrics::request_timeout() {
  sync::Lock lock(mutex_);
  ++request_timeouts_;
}

void Metrics::order_gap() {
  sync::Lock lock(mutex_);
  ++order_gaps_;
}

std::string Metrics::text(const Gauges& gauges) const {
  PrometheusText out;
  sync::Lock lock(mutex_);
  out.family("cimbus_messages_total", "Messages taken in and sent, by noun, verb and result.", "counter");
  for (const auto& [key, count] : messages_) {
    const auto& [direction, noun, verb, result] = key;
    out.sample("cimbus_messages_total", {{"direction", name_of(direction)}, {"noun", noun}, {"verb", verb}, {"result", result}},
               static_cast<double>(count));
  }
  out.family("cimbus_handler_duration_seconds", "Time to handle a message taken in, in the worker's transaction (commit excluded).",
             "histogram");
  for (const auto& [key, h] : handler_times_)
    out.histogram("cimbus_handler_duration_seconds", {{"noun", key.first}, {"verb", key.second}}, kHandlerBounds, h.counts, h.sum);
  out.family("cimbus_request_duration_seconds", "Time from a request this adapter sent to its final reply.", "histogram");
  for (const auto& [key, h] : request_times_)
    out.histogram("cimbus_request_duration_seconds", {{"noun", key.first}, {"verb", key.second}}, kRequestBounds, h.counts, h.sum);
  out.family("cimbus_outbox_depth", "Messages committed and not yet accepted by the broker.", "gauge");
  out.sample("cimbus_outbox_depth", {}, static_cast<double>(gauges.outbox_depth));
  out.family("cimbus_outbox_oldest_age_seconds", "Age of the oldest message in the outbox (0 when empty).", "gauge");
  out.sample("cimbus_outbox_oldest_age_seconds", {}, gauges.outbox_oldest_age_s);
  out.family("cimbus_inbox_entries", "MessageIDs the inbox remembers (for duplicates and replays).", "gauge");
  out.sample("cimbus_inbox_entries", {}, static_cast<double>(gauges.inbox_entries));
  out.family("cimbus_redeliveries_total", "Deliveries the broker had given before (redelivered).", "counter");
  out.sample("cimbus_redeliveries_total", {}, static_cast<double>(redeliveries_));
  out.family("cimbus_dead_letters_total", "Messages moved to the dead-letter queue, by reason.", "counter");
  for (const auto& [reason, count] : dead_letters_) out.sample("cimbus_dead_letters_total", {{"reason", reason}}, static_cast<double>(count));
  out.family("cimbus_broker_reconnects_total", "Connections to the broker opened again after a loss.", "counter");
  out.sample("cimbus_broker_reconnects_total", {}, static_cast<double>(gauges.reconnects));
  out.family("cimbus_request_timeouts_total", "Requests this adapter sent that got no final reply in time (4.1).", "counter");
  out.sample("cimbus_request_timeouts_total", {}, static_cast<double>(request_timeouts_));
  out.family("cimbus_order_gaps_total", "Messages that came before their turn and were taken after order_wait_ms without the one before them.", "counter");
  out.sample("cimbus_order_gaps_total", {}, static_cast<double>(order_gaps_));
  out.family("cimbus_build_info", "The build and the process (adapter: its instance name): always 1.", "gauge");
  out.sample("cimbus_build_info", {{"version", CIMBUS_VERSION}, {"system", system_}, {"adapter", instance_}}, 1);
  return out.text();
}

}  // namespace cimbus::adapter::detail
