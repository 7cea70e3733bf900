// The broker is restarted (stopped, then started on the same port with its data) while a stream
// of durable messages flows: every message arrives (at least once: duplicates are allowed and
// counted, losses are not), every send ends accepted, and both sides reconnect on their own.

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/codec/uuid.hpp"
#include "test_broker.hpp"
#include "waiter.hpp"

namespace cimbus::bus {
namespace {

using namespace std::chrono_literals;

TEST(BusRestart, NothingIsLostWhenTheBrokerRestartsMidStream) {
  const auto broker = test::test_broker();
  const BrokerProfile profile = BrokerProfile::rabbitmq();
  constexpr int kMessages = 2000;
  test::Waiter waiter;
  std::set<std::string> seen;  // under waiter
  std::atomic<int> deliveries{0};

  Bus consumer(test::connection_to(broker));
  ReceiveOptions durable;
  durable.durable = true;
  consumer.receive(profile.own_queue_address("restart.q"), [&](const AmqpMessage& m) {
    ++deliveries;
    waiter.update([&] { seen.insert(m.message_id); });
    return Outcome::accepted;
  }, durable);
  consumer.start();
  ASSERT_TRUE(consumer.wait_ready(30s));

  Bus producer(test::connection_to(broker));
  producer.start();
  ASSERT_TRUE(producer.wait_connected(30s));
  std::vector<std::future<Outcome>> outcomes;
  std::thread restart;
  for (int i = 0; i < kMessages; ++i) {
    AmqpMessage m;
    m.message_id = new_uuid();
    m.body = "message " + std::to_string(i);
    outcomes.push_back(producer.send(profile.reply_address("restart.q"), std::move(m)));
    if (i == kMessages / 4) {
      restart = std::thread([&] {
        const std::string command = std::string(CIMBUS_SOURCE_DIR) + "/scripts/broker restart --dir " + broker.dir + " > /dev/null";
        EXPECT_EQ(std::system(command.c_str()), 0);
      });
    }
    std::this_thread::sleep_for(5ms);  // pacing: a steady stream of messages across the restart
  }
  restart.join();
  int accepted = 0;
  for (auto& o : outcomes) {
    ASSERT_EQ(o.wait_for(120s), std::future_status::ready);
    accepted += o.get() == Outcome::accepted;
  }
  EXPECT_EQ(accepted, kMessages);
  EXPECT_TRUE(waiter.wait_for([&] { return seen.size() == static_cast<std::size_t>(kMessages); }, 60s))
      << seen.size() << " distinct of " << kMessages;
  EXPECT_GE(producer.connections_opened(), 2);
  EXPECT_GE(consumer.connections_opened(), 2);
  std::printf("restart: %d deliveries for %d messages (%d duplicates)\n", deliveries.load(), kMessages,
              deliveries.load() - kMessages);
}

}  // namespace
}  // namespace cimbus::bus
