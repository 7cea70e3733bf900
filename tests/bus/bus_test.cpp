// The Bus against the real private RabbitMQ that ctest starts (fixture bus_broker): sends and
// receives with broker outcomes, request/reply through the topic exchange, envelope fields in
// AMQP properties, redelivery of released messages, and a refused login.

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "test_broker.hpp"
#include "waiter.hpp"

namespace cimbus::bus {
namespace {

using namespace std::chrono_literals;

AmqpMessage text(const std::string& body) {
  AmqpMessage m;
  m.body = body;
  m.message_id = new_uuid();
  return m;
}

TEST(Bus, SendsAndReceivesThroughAQueueWithBrokerOutcomes) {
  const auto broker = test::test_broker();
  const BrokerProfile profile = BrokerProfile::rabbitmq();
  const std::string queue = "bustest.own." + new_uuid();
  test::Waiter waiter;
  std::vector<std::string> received;  // under waiter
  Bus consumer(test::connection_to(broker));
  ReceiveOptions durable;
  durable.durable = true;
  consumer.receive(profile.own_queue_address(queue), [&](const AmqpMessage& m) {
    waiter.update([&] { received.push_back(m.body); });
    return Outcome::accepted;
  }, durable);
  consumer.start();
  ASSERT_TRUE(consumer.wait_ready(20s));  // attached: its queue exists

  Bus producer(test::connection_to(broker));
  producer.start();
  std::vector<std::future<Outcome>> outcomes;
  for (int i = 0; i < 300; ++i) outcomes.push_back(producer.send(profile.reply_address(queue), text(std::to_string(i))));
  for (auto& o : outcomes) EXPECT_EQ(o.get(), Outcome::accepted);
  ASSERT_TRUE(waiter.wait_for([&] { return received.size() == 300; }, 20s));
  std::set<std::string> distinct(received.begin(), received.end());
  EXPECT_EQ(distinct.size(), 300u);
}

TEST(Bus, RequestAndReplyThroughTheExchange) {
  const auto broker = test::test_broker();
  const BrokerProfile profile = BrokerProfile::rabbitmq();
  XmlCodec codec;

  // The responder: consumes BusTests requests, answers each at its ReplyAddress.
  Bus responder(test::connection_to(broker));
  std::atomic<int> served{0};
  responder.receive(profile.consume_address("bustest.requests"), [&](const AmqpMessage& m) {
    Envelope reply;
    reply.set_archetype(Envelope::RESPONSE_MESSAGE);
    auto* h = reply.mutable_message()->mutable_header();
    h->set_verb(msg::HeaderType_Verb::reply);
    h->set_noun(m.properties.at("Noun"));
    h->set_message_id(new_uuid());
    h->set_correlation_id(m.message_id);
    reply.mutable_message()->mutable_reply()->set_result(msg::ReplyType_Result::OK);
    XmlCodec local;
    responder.send(profile.reply_address(m.reply_to), to_amqp_message(reply, local.encode(reply)));
    ++served;
    return Outcome::accepted;
  });
  responder.start();

  // The requester: its own durable reply queue.
  const std::string instance = "bustest-" + new_uuid();
  std::mutex mutex;
  test::Waiter waiter;
  std::map<std::string, std::string> replies;  // correlation id -> XML, under waiter and then mutex
  Bus requester(test::connection_to(broker));
  ReceiveOptions durable;
  durable.durable = true;
  requester.receive(profile.own_queue_address(reply_queue(instance)), [&](const AmqpMessage& m) {
    waiter.update([&] {
      std::lock_guard<std::mutex> lock(mutex);
      replies[m.correlation_id] = m.body;
    });
    return Outcome::accepted;
  }, durable);
  requester.start();
  ASSERT_TRUE(requester.wait_ready(20s));  // the reply queue is declared when its receiver attaches
  ASSERT_TRUE(responder.wait_ready(20s));

  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) {
    Envelope request;
    request.set_archetype(Envelope::REQUEST_MESSAGE);
    auto* h = request.mutable_message()->mutable_header();
    h->set_verb(msg::HeaderType_Verb::create);
    h->set_noun("BusTests");
    h->set_source("bus-test");
    h->set_message_id(new_uuid());
    h->set_reply_address(reply_queue(instance));
    ids.push_back(h->message_id());
    EXPECT_EQ(requester.send(profile.publish_address(routing_key("BusTests", msg::HeaderType_Verb::create)),
                             to_amqp_message(request, codec.encode(request))).get(),
              Outcome::accepted);
  }
  ASSERT_TRUE(waiter.wait_for([&] { std::lock_guard<std::mutex> l(mutex); return replies.size() == ids.size(); }, 20s))
      << replies.size() << " replies of " << ids.size();
  for (const auto& id : ids) {
    std::lock_guard<std::mutex> lock(mutex);
    ASSERT_TRUE(replies.count(id)) << id;
    DecodeResult r = codec.decode(replies[id]);
    ASSERT_TRUE(r.accepted());
    EXPECT_EQ(r.envelope.message().header().correlation_id(), id);
    EXPECT_EQ(r.envelope.message().reply().result(), msg::ReplyType_Result::OK);
  }
  EXPECT_EQ(served.load(), 50);
}

TEST(Bus, EnvelopeFieldsAreMirroredIntoAmqpProperties) {
  const auto broker = test::test_broker();
  const BrokerProfile profile = BrokerProfile::rabbitmq();
  const std::string queue = "bustest.props." + new_uuid();
  std::promise<AmqpMessage> got;
  Bus consumer(test::connection_to(broker));
  ReceiveOptions durable;
  durable.durable = true;
  std::once_flag once;
  consumer.receive(profile.own_queue_address(queue), [&](const AmqpMessage& m) {
    std::call_once(once, [&] { got.set_value(m); });
    return Outcome::accepted;
  }, durable);
  consumer.start();
  ASSERT_TRUE(consumer.wait_ready(20s));

  Envelope e;
  e.set_archetype(Envelope::EVENT_MESSAGE);
  auto* h = e.mutable_message()->mutable_header();
  h->set_verb(msg::HeaderType_Verb::created);
  h->set_noun("TroubleTickets");
  h->set_source("OMS");
  h->set_context("PRODUCTION");
  h->set_revision("2.0");
  h->set_message_id(new_uuid());
  h->set_correlation_id(new_uuid());
  h->set_reply_address("reply.oms-1");
  Bus producer(test::connection_to(broker));
  producer.start();
  ASSERT_EQ(producer.send(profile.reply_address(queue), to_amqp_message(e, XmlCodec().encode(e))).get(), Outcome::accepted);
  auto future = got.get_future();
  ASSERT_EQ(future.wait_for(20s), std::future_status::ready);
  AmqpMessage m = future.get();
  EXPECT_EQ(m.message_id, h->message_id());
  EXPECT_EQ(m.correlation_id, h->correlation_id());
  EXPECT_EQ(m.reply_to, "reply.oms-1");
  EXPECT_EQ(m.subject, "TroubleTickets");
  EXPECT_EQ(m.content_type, "application/xml; charset=utf-8");
  EXPECT_EQ(m.properties["Verb"], "created");
  EXPECT_EQ(m.properties["Noun"], "TroubleTickets");
  EXPECT_EQ(m.properties["Source"], "OMS");
  EXPECT_EQ(m.properties["Context"], "PRODUCTION");
  EXPECT_EQ(m.properties["Revision"], "2.0");
  EXPECT_TRUE(XmlCodec().decode(m.body).accepted());
}

TEST(Bus, AReleasedDeliveryComesBack) {
  const auto broker = test::test_broker();
  const BrokerProfile profile = BrokerProfile::rabbitmq();
  const std::string queue = "bustest.release." + new_uuid();
  test::Waiter waiter;
  int attempts = 0;         // under waiter: deliveries of the first message
  bool marker_seen = false;  // under waiter
  Bus consumer(test::connection_to(broker));
  ReceiveOptions durable;
  durable.durable = true;
  consumer.receive(profile.own_queue_address(queue), [&](const AmqpMessage& m) {
    Outcome outcome = Outcome::accepted;
    waiter.update([&] {
      if (m.body == "marker") marker_seen = true;
      else if (++attempts < 3) outcome = Outcome::released;  // fails twice, then works
    });
    return outcome;
  }, durable);
  consumer.start();
  ASSERT_TRUE(consumer.wait_ready(20s));
  Bus producer(test::connection_to(broker));
  producer.start();
  ASSERT_EQ(producer.send(profile.reply_address(queue), text("retry me")).get(), Outcome::accepted);
  EXPECT_TRUE(waiter.wait_for([&] { return attempts == 3; }, 20s));
  // A message sent after the third attempt arrives after any redelivery of the first would (one
  // queue, in order): once it is here, the first was not delivered again.
  ASSERT_EQ(producer.send(profile.reply_address(queue), text("marker")).get(), Outcome::accepted);
  ASSERT_TRUE(waiter.wait_for([&] { return marker_seen; }, 20s));
  waiter.update([&] { EXPECT_EQ(attempts, 3); });  // accepted the third time, not delivered again
}

TEST(Bus, AWrongPasswordNeverConnects) {
  auto options = test::connection_to(test::test_broker());
  options.password = "wrong";
  options.reconnect.max_attempts = 1;
  Bus bus(options);
  bus.start();
  EXPECT_FALSE(bus.wait_connected(5s));
  auto outcome = bus.send("/amq/queue/bustest.plain", text("never"));
  bus.stop(100ms);
  EXPECT_EQ(outcome.get(), Outcome::failed);
}

}  // namespace
}  // namespace cimbus::bus
