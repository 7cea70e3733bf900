// The Prometheus exposition the endpoint serves (core/runtime/src/metrics.hpp,
// prometheus_text.hpp): names, types, labels escaped, cumulative histogram buckets, and counts.

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "metrics.hpp"
#include "prometheus_text.hpp"

namespace cimbus::adapter::detail {
namespace {

bool has_line(const std::string& text, const std::string& line) { return text.find("\n" + line + "\n") != std::string::npos; }

TEST(PrometheusText, WritesFamiliesWithEscapedLabelsAndNumbersAsTheFormatSays) {
  PrometheusText out;
  out.family("x_total", "Things.\nMore \\ things.", "counter");
  out.sample("x_total", {{"a", "quote \" backslash \\ newline \n end"}}, 3);
  out.sample("x_total", {}, 0.25);
  EXPECT_EQ(out.text(),
            "# HELP x_total Things.\\nMore \\\\ things.\n"
            "# TYPE x_total counter\n"
            "x_total{a=\"quote \\\" backslash \\\\ newline \\n end\"} 3\n"
            "x_total 0.25\n");
  EXPECT_EQ(prometheus_number(1e300 * 1e300), "+Inf");
  EXPECT_EQ(prometheus_number(0.0005), "0.0005");
}

TEST(PrometheusText, HistogramBucketsAreCumulativeAndEndWithInf) {
  PrometheusText out;
  out.histogram("h", {{"noun", "N"}}, {0.1, 1}, {2, 1, 4}, 9.5);
  EXPECT_EQ(out.text(),
            "h_bucket{noun=\"N\",le=\"0.1\"} 2\n"
            "h_bucket{noun=\"N\",le=\"1\"} 3\n"
            "h_bucket{noun=\"N\",le=\"+Inf\"} 7\n"
            "h_sum{noun=\"N\"} 9.5\n"
            "h_count{noun=\"N\"} 7\n");
}

TEST(Metrics, CountsMessagesByDirectionNounVerbAndResult) {
  Metrics m("oms", "oms-1");
  m.message(Metrics::Direction::in, "TroubleTickets", "create", "ok");
  m.message(Metrics::Direction::in, "TroubleTickets", "create", "ok");
  m.message(Metrics::Direction::in, "TroubleTickets", "create", "failed");
  m.message(Metrics::Direction::out, "TroubleTickets", "created", "sent");
  const std::string text = m.text({});
  EXPECT_TRUE(has_line(text, "cimbus_messages_total{direction=\"in\",noun=\"TroubleTickets\",verb=\"create\",result=\"ok\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "cimbus_messages_total{direction=\"in\",noun=\"TroubleTickets\",verb=\"create\",result=\"failed\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "cimbus_messages_total{direction=\"out\",noun=\"TroubleTickets\",verb=\"created\",result=\"sent\"} 1")) << text;
}

TEST(Metrics, NamesEveryFamilyTheOperatorsDashboardsUse) {
  Metrics m("oms", "oms-1");
  m.handler_time("TroubleTickets", "create", std::chrono::milliseconds(3));
  m.request_time("MaintenanceOrders", "create", std::chrono::milliseconds(40));
  m.redelivery();
  m.dead_letter("max_attempts");
  m.request_timeout();
  Metrics::Gauges g;
  g.outbox_depth = 7;
  g.outbox_oldest_age_s = 1.5;
  g.inbox_entries = 1200;
  g.reconnects = 2;
  const std::string text = m.text(g);
  for (const char* family : {"cimbus_messages_total counter", "cimbus_handler_duration_seconds histogram", "cimbus_request_duration_seconds histogram",
                             "cimbus_outbox_depth gauge", "cimbus_outbox_oldest_age_seconds gauge", "cimbus_inbox_entries gauge",
                             "cimbus_redeliveries_total counter", "cimbus_dead_letters_total counter", "cimbus_broker_reconnects_total counter",
                             "cimbus_request_timeouts_total counter", "cimbus_build_info gauge"})
    EXPECT_TRUE(has_line(text, std::string("# TYPE ") + family)) << family;
  EXPECT_TRUE(has_line(text, "cimbus_handler_duration_seconds_bucket{noun=\"TroubleTickets\",verb=\"create\",le=\"0.0025\"} 0"));
  EXPECT_TRUE(has_line(text, "cimbus_handler_duration_seconds_bucket{noun=\"TroubleTickets\",verb=\"create\",le=\"0.005\"} 1"));
  EXPECT_TRUE(has_line(text, "cimbus_request_duration_seconds_count{noun=\"MaintenanceOrders\",verb=\"create\"} 1"));
  EXPECT_TRUE(has_line(text, "cimbus_outbox_depth 7"));
  EXPECT_TRUE(has_line(text, "cimbus_outbox_oldest_age_seconds 1.5"));
  EXPECT_TRUE(has_line(text, "cimbus_inbox_entries 1200"));
  EXPECT_TRUE(has_line(text, "cimbus_redeliveries_total 1"));
  EXPECT_TRUE(has_line(text, "cimbus_dead_letters_total{reason=\"max_attempts\"} 1"));
  EXPECT_TRUE(has_line(text, "cimbus_broker_reconnects_total 2"));
  EXPECT_TRUE(has_line(text, "cimbus_request_timeouts_total 1"));
  EXPECT_NE(text.find("cimbus_build_info{version=\""), std::string::npos);
}

}  // namespace
}  // namespace cimbus::adapter::detail
