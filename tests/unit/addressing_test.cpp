// Routing keys and the addresses each broker profile makes of them.

#include <gtest/gtest.h>

#include "cimbus/bus/addressing.hpp"

namespace cimbus::bus {
namespace {

using V = msg::HeaderType_Verb;

TEST(Addressing, RoutingKeysByVerbRole) {
  EXPECT_EQ(routing_key("TroubleTickets", V::create), "req.TroubleTickets.create");
  EXPECT_EQ(routing_key("TroubleTickets", V::get), "req.TroubleTickets.get");
  EXPECT_EQ(routing_key("Incidents", V::created), "evt.Incidents.created");
  EXPECT_EQ(routing_key("ServiceOrders", V::executed), "evt.ServiceOrders.executed");
  EXPECT_THROW(routing_key("ServiceOrders", V::reply), std::invalid_argument);
  EXPECT_EQ(reply_queue("oms-1"), "reply.oms-1");
}

TEST(Addressing, Profiles) {
  const auto rabbit = BrokerProfile::rabbitmq();
  EXPECT_EQ(rabbit.publish_address("req.TroubleTickets.create"), "/exchange/cim/req.TroubleTickets.create");
  EXPECT_EQ(rabbit.consume_address("oms.requests"), "/amq/queue/oms.requests");
  EXPECT_EQ(rabbit.own_queue_address("reply.oms-1"), "/queue/reply.oms-1");
  EXPECT_EQ(rabbit.reply_address("reply.oms-1"), "/amq/queue/reply.oms-1");
  EXPECT_EQ(rabbit.reply_address("/queue/from-a-jms-peer"), "/queue/from-a-jms-peer");
  EXPECT_EQ(rabbit.subscribe_address("evt.Incidents.*"), "/exchange/cim/evt.Incidents.*");
  const auto activemq = BrokerProfile::named("activemq");
  EXPECT_EQ(activemq.publish_address("evt.Incidents.created"), "topic://cim.evt.Incidents.created");
  EXPECT_EQ(activemq.consume_address("cis.events"), "queue://cis.events");
  const auto artemis = BrokerProfile::named("artemis");
  EXPECT_EQ(artemis.publish_address("evt.Incidents.created"), "multicast://cim.evt.Incidents.created");
  EXPECT_EQ(artemis.reply_address("reply.cis-1"), "anycast://reply.cis-1");
  EXPECT_EQ(artemis.reply_address("queue://elsewhere"), "queue://elsewhere");
  EXPECT_THROW(BrokerProfile::named("kafka"), std::invalid_argument);
}

}  // namespace
}  // namespace cimbus::bus
