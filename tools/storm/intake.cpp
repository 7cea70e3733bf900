#include "intake.hpp"

#include <stdexcept>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include "cimbus/codec/json_value.hpp"
#include "cimbus/http/http_url.hpp"

namespace cimbus::storm {

Intake::Intake(std::string cis_endpoint, const Scenario& scenario) : url_(std::move(cis_endpoint) + "/reference/intake"), scenario_(scenario) {}

bool Intake::done() const { return calls_written_ == scenario_.calls.size() && needs_written_ == scenario_.needs.size(); }

void Intake::tick(std::int64_t elapsed_ms) {
  const auto& calls = scenario_.calls;
  const auto& needs = scenario_.needs;
  std::size_t c = calls_written_, n = needs_written_;
  while (c < calls.size() && calls[c].at_ms <= elapsed_ms) ++c;
  while (n < needs.size() && needs[n].at_ms <= elapsed_ms) ++n;
  if ((c == calls_written_ && n == needs_written_) || elapsed_ms < retry_at_ms_) return;
  try {
    send(c, n);
  } catch (const std::exception& e) {
    last_refusal_ = e.what();
    retry_at_ms_ = elapsed_ms + 200;
  }
}

void Intake::send(std::size_t c, std::size_t n) {
  using json::number;
  using json::text;
  std::vector<json::Value> call_rows, need_rows;
  for (std::size_t i = calls_written_; i < c; ++i)  // ids from 1, in the plan's order
    call_rows.push_back(json::object({{"id", number(static_cast<double>(i + 1))},
                                      {"customer", text(scenario_.calls[i].customer)},
                                      {"cancel_after_ms", number(static_cast<double>(scenario_.calls[i].cancel_after_ms))}}));
  for (std::size_t i = needs_written_; i < n; ++i)
    need_rows.push_back(json::object({{"id", number(static_cast<double>(i + 1))},
                                      {"noun", text(scenario_.needs[i].noun)},
                                      {"customer", text(scenario_.needs[i].customer)},
                                      {"kind", text(scenario_.needs[i].kind)},
                                      {"cancel_after_ms", number(static_cast<double>(scenario_.needs[i].cancel_after_ms))}}));
  json::Struct body;
  (*body.mutable_fields())["calls"] = json::list(std::move(call_rows));
  (*body.mutable_fields())["service_needs"] = json::list(std::move(need_rows));
  std::string document;
  (void)google::protobuf::util::MessageToJsonString(body, &document);

  const auto parts = http::parse_http_url(url_);
  if (!parts) throw std::runtime_error("not an http(s) URL: " + url_);
  httplib::Client client(parts->origin);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(40));  // the CIS's store may wait 30 s for its lock
  auto got = client.Post(parts->path, document, "application/json");
  if (!got) throw std::runtime_error("the CIS did not answer at " + url_ + ": " + httplib::to_string(got.error()));
  if (got->status != 200) throw std::runtime_error("the CIS answered HTTP " + std::to_string(got->status) + ": " + got->body);
  calls_written_ = c;
  needs_written_ = n;
}

}  // namespace cimbus::storm
