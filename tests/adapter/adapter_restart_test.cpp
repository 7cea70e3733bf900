// The broker is restarted in the middle of a stream of 10 000 requests between two adapters (the
// OMS responder as a separate process, the CIS requester in this one). Afterwards every request
// was executed exactly once by the OMS, and every request's reply was handled exactly once by the
// CIS: at-least-once transport underneath, exactly-once effects on both sides.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "test_adapter.hpp"
#include "cimbus/runtime/adapter.hpp"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/store/statement.hpp"
#include "cimbus/store/store.hpp"
#include "test_broker.hpp"
#include "waiter.hpp"

namespace cimbus::adapter {
namespace {

using namespace std::chrono_literals;
using TroubleTickets = customer::trouble_tickets::TroubleTickets;
using V = msg::HeaderType_Verb;

// COUNT(*) and MAX(n) of a table of (key, n) in a store, read beside the process that writes it;
// any error throws (store::Statement), so that the counts can never be 0 by mistake.
std::pair<long, long> tally(const std::string& path, const std::string& table) {
  store::Store store(path);
  const std::string sql = "SELECT COUNT(*), COALESCE(MAX(n), 0) FROM " + table;  // a fixed table name of this test
  store::Statement row(store.connection(), sql.c_str());
  if (!row.step()) throw std::runtime_error(sql + ": no row");
  return {static_cast<long>(row.number(0)), static_cast<long>(row.number(1))};
}

TroubleTickets example_ticket() {
  std::ifstream in(std::string(CIMBUS_EXAMPLES_DIR) + "/TroubleTickets-create.xml");
  std::stringstream text;
  text << in.rdbuf();
  XmlCodec codec;
  TroubleTickets tickets;
  EXPECT_TRUE(codec.decode(text.str()).envelope.payload_objects(0).UnpackTo(&tickets));
  return tickets;
}

TEST(AdapterRestart, TenThousandRequestsAcrossABrokerRestartEachExecutedAndAnsweredOnce) {
  constexpr int kRequests = 10000;
  constexpr int kPerTransaction = 50;
  const auto broker = test::test_broker();
  const std::string dir = std::string(CIMBUS_TEST_TMP) + "/adapter-restart";
  std::filesystem::remove_all(dir);
  const std::string configs = CIMBUS_ADAPTER_CONFIG_DIR;
  AdapterOptions oms_options = test::adapter_options(configs + "/oms.json", broker, "oms-restart", dir);
  test::AdapterProcess oms(CIMBUS_TEST_RESPONDER, test::write_config(oms_options, dir));

  AdapterOptions cis_options = test::adapter_options(configs + "/cis.json", broker, "cis-restart", dir);
  cis_options.config.set_request_timeout_ms(600000);  // the restart must not turn into timeouts
  Adapter cis(cis_options);
  cis.prepare_store([](store::Transaction& tx) {
    tx.execute("CREATE TABLE IF NOT EXISTS replies (correlation TEXT PRIMARY KEY, result TEXT, n INTEGER)");
  });
  test::Waiter waiter;
  long handled = 0;  // under waiter: reply handler calls (a rolled back one is counted too)
  cis.on_reply("TroubleTickets", [&](Context& c) {
    store::Statement(c.tx(), "INSERT INTO replies (correlation, result, n) VALUES (?, ?, 1) ON CONFLICT(correlation) DO UPDATE SET n = n + 1")
        .bind(1, c.header().correlation_id())
        .bind(2, msg::ReplyType_Result::Value_Name(c.message().message().reply().result()))
        .run();
    waiter.update([&] { ++handled; });
  });
  cis.start();
  ASSERT_TRUE(cis.wait_ready(60s));

  const TroubleTickets tickets = example_ticket();
  std::thread restart;
  const auto began = std::chrono::steady_clock::now();
  for (int sent = 0; sent < kRequests; sent += kPerTransaction) {
    cis.transaction([&](Context& c) {
      for (int i = 0; i < kPerTransaction; ++i) {
        TroubleTickets t = tickets;
        t.mutable_trouble_ticket(0)->set_m_rid(new_uuid());
        Envelope e;
        e.mutable_message()->mutable_header()->set_verb(V::create);
        e.mutable_message()->mutable_header()->set_noun("TroubleTickets");
        e.add_payload_objects()->PackFrom(t);
        c.request(std::move(e));
      }
    }).get();
    if (sent == kRequests / 4) {
      restart = std::thread([&] {
        const std::string command = std::string(CIMBUS_SOURCE_DIR) + "/scripts/broker restart --dir " + broker.dir + " > /dev/null";
        EXPECT_EQ(std::system(command.c_str()), 0);
      });
    }
    std::this_thread::sleep_for(20ms);  // pacing: a steady stream of requests, spread across the restart
  }
  restart.join();

  const std::string cis_store = cis_options.config.store();
  EXPECT_TRUE(waiter.wait_for([&] { return handled >= kRequests; }, 300s)) << "replies handled: " << handled;
  cis.transaction([](Context&) {}).get();  // runs after the batch with the last reply committed
  const std::pair<long, long> replies = tally(cis_store, "replies");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const auto executions = tally(oms_options.config.store(), "executions");
  const AdapterStats stats = cis.stats();
  std::printf("restart: %d requests in %.1f s; OMS executed %ld distinct (max %ld each); CIS handled %ld replies (max %ld each); "
              "CIS saw %llu duplicate deliveries, %d connections\n",
              kRequests, seconds, executions.first, executions.second, replies.first, replies.second,
              static_cast<unsigned long long>(stats.duplicates), stats.connections_opened);
  EXPECT_EQ(replies.first, kRequests) << "a request without a handled reply";
  EXPECT_EQ(replies.second, 1) << "a reply handled twice";
  EXPECT_EQ(executions.first, kRequests) << "a request not executed";
  EXPECT_EQ(executions.second, 1) << "a request executed twice";
  EXPECT_EQ(stats.timed_out, 0u);
  EXPECT_GE(stats.connections_opened, 2) << "the broker restart was not noticed";
  {
    store::Store store(cis_store);
    store::Statement not_ok(store.connection(), "SELECT COUNT(*) FROM replies WHERE result != 'OK'");
    ASSERT_TRUE(not_ok.step());
    EXPECT_EQ(not_ok.number(0), 0) << "replies other than OK";
  }
  cis.stop();
  EXPECT_EQ(oms.stop(), 0);
}

}  // namespace
}  // namespace cimbus::adapter
