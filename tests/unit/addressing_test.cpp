// Routing keys and the addresses each broker profile makes of them.

#include <gtest/gtest.h>

#include "cimbus/bus/addressing.hpp"
#include "reply_destinations.hpp"

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
  // Only RabbitMQ's topology keeps what routes nowhere (its alternate exchange's queue).
  EXPECT_EQ(rabbit.unrouted_address(), "/amq/queue/cim.unrouted");
  EXPECT_EQ(activemq.unrouted_address(), "");
  EXPECT_EQ(artemis.unrouted_address(), "");
}

TEST(Addressing, TheQueueAnAddressSendsTo) {
  const auto rabbit = BrokerProfile::rabbitmq();
  EXPECT_EQ(rabbit.queue_of("/amq/queue/reply.cis-1"), "reply.cis-1");
  EXPECT_EQ(rabbit.queue_of("/queue/reply.cis-1"), "reply.cis-1");
  EXPECT_EQ(rabbit.queue_of("reply.cis-1"), "reply.cis-1");
  EXPECT_EQ(rabbit.queue_of("/exchange/cim/reply.cis-1"), std::nullopt);
  EXPECT_EQ(rabbit.queue_of("/amq/queue/"), std::nullopt);
  EXPECT_EQ(rabbit.queue_of("/amq/queue/a/b"), std::nullopt);
  EXPECT_EQ(BrokerProfile::named("artemis").queue_of("anycast://reply.wms-1"), "reply.wms-1");
  EXPECT_EQ(BrokerProfile::named("activemq").queue_of("topic://cim.reply.x"), std::nullopt);
}

// IEC 61968-100 6.3.2 writes a ReplyAddress "queue:NAME" or "topic:NAME"; each profile maps them.
TEST(Addressing, TheStandardsQueueAndTopicFormsOfAReplyAddress) {
  const auto rabbit = BrokerProfile::rabbitmq();
  EXPECT_EQ(rabbit.reply_address("queue:EMS.ReplyQueue"), "/amq/queue/EMS.ReplyQueue");
  EXPECT_EQ(rabbit.reply_address("topic:ems.replies"), "/topic/ems.replies");
  EXPECT_EQ(BrokerProfile::named("activemq").reply_address("queue:EMS.ReplyQueue"), "queue://EMS.ReplyQueue");
  EXPECT_EQ(BrokerProfile::named("activemq").reply_address("queue://EMS.ReplyQueue"), "queue://EMS.ReplyQueue");  // an address already
  EXPECT_EQ(BrokerProfile::named("activemq").reply_address("topic:ems.replies"), "topic://ems.replies");
  EXPECT_EQ(BrokerProfile::named("artemis").reply_address("topic:ems.replies"), "multicast://ems.replies");
  EXPECT_EQ(rabbit.reply_address("queue:"), "");  // no name
  EXPECT_EQ(rabbit.reply_address("topic:"), "");

  const adapter::detail::ReplyDestinations confined(rabbit, {"queue:EMS.ReplyQueue", "topic:ems.replies"});
  EXPECT_EQ(confined.address("queue:EMS.ReplyQueue"), "/amq/queue/EMS.ReplyQueue");
  EXPECT_EQ(confined.address("EMS.ReplyQueue"), "/amq/queue/EMS.ReplyQueue");  // the same queue, allowed by either form
  EXPECT_EQ(confined.address("topic:ems.replies"), "/topic/ems.replies");
  EXPECT_EQ(confined.address("queue:reply.cis-1"), "/amq/queue/reply.cis-1");
  std::string why;
  EXPECT_EQ(confined.address("queue:wms.requests", &why), std::nullopt);  // another system's route, in the standard's form
  EXPECT_NE(why.find("not a reply destination"), std::string::npos) << why;
  EXPECT_EQ(confined.address("topic:other", &why), std::nullopt);
  for (const char* malformed : {"queue:", "topic:"}) {
    why.clear();
    EXPECT_EQ(confined.address(malformed, &why), std::nullopt) << malformed;
    EXPECT_NE(why.find("names no queue or topic"), std::string::npos) << why;
  }
}

// Replies go to reply.* queues and to what reply_queues allows, nowhere else.
TEST(Addressing, ReplyDestinationsAreConfined) {
  const adapter::detail::ReplyDestinations rabbit(BrokerProfile::rabbitmq(), {"EMS.ReplyQueue", "/topic/ems.replies"});
  EXPECT_EQ(rabbit.address("reply.cis-1"), "/amq/queue/reply.cis-1");
  EXPECT_EQ(rabbit.address("/queue/reply.python-7"), "/amq/queue/reply.python-7");  // the queue that exists, not declared again
  EXPECT_EQ(rabbit.address("EMS.ReplyQueue"), "/amq/queue/EMS.ReplyQueue");
  EXPECT_EQ(rabbit.address("/amq/queue/EMS.ReplyQueue"), "/amq/queue/EMS.ReplyQueue");
  EXPECT_EQ(rabbit.address("/topic/ems.replies"), "/topic/ems.replies");
  // An AMQP 0-9-1 peer's server-named queue, as RabbitMQ gives its reply_to: RabbitMQ refuses to
  // declare it, so it is addressed as a queue that exists.
  EXPECT_EQ(rabbit.address("/queue/amq.gen-JzTY20BRgKO-HjmUJj0wLg"), "/amq/queue/amq.gen-JzTY20BRgKO-HjmUJj0wLg");
  EXPECT_EQ(rabbit.address("amq.gen-JzTY20BRgKO-HjmUJj0wLg"), "/amq/queue/amq.gen-JzTY20BRgKO-HjmUJj0wLg");
  EXPECT_EQ(BrokerProfile::named("activemq").queue_of("temp-queue://ID:peer-1"), std::nullopt);
  EXPECT_EQ(adapter::detail::ReplyDestinations(BrokerProfile::named("activemq"), {}).address("temp-queue://ID:peer-1:1:1"),
            "temp-queue://ID:peer-1:1:1");
  EXPECT_EQ(rabbit.address(""), std::nullopt);
  // A reply queue through the exchange by its name (a requester with broker.routed_replies): only
  // a reply.* key, which the topology binds to nothing but that queue.
  EXPECT_EQ(rabbit.address("/exchange/cim/reply.cis-1"), "/exchange/cim/reply.cis-1");
  std::string why;
  for (const char* misdirected : {"/amq/queue/wms.requests", "wms.requests", "/exchange/cim/req.WorkRequests.cancel",
                                  "/exchange/cim.dlx/dead.oms.adapter", "/exchange/cim/reply.", "/exchange/cim/reply.#",
                                  "/exchange/cim/reply.a/b", "/exchange/other/reply.cis-1", "/exchange/cim/replyX.cis-1", "reply.",
                                  "/topic/other"}) {
    why.clear();
    EXPECT_EQ(rabbit.address(misdirected, &why), std::nullopt) << misdirected;
    EXPECT_NE(why.find("not a reply destination"), std::string::npos) << why;
  }
  EXPECT_EQ(rabbit.address("https://cis.example/results", &why), std::nullopt);
  EXPECT_NE(why.find("no web-service connector of this adapter can reach it (none is configured"), std::string::npos) << why;
  // With a connector for web-service callbacks: the URLs it reaches are the reply's target.
  const adapter::detail::ReplyDestinations web(BrokerProfile::rabbitmq(), {}, [](const std::string& url) {
    return url.rfind("https://cis.example/results/", 0) == 0;
  });
  EXPECT_EQ(web.address("https://cis.example/results/7"), "https://cis.example/results/7");
  EXPECT_EQ(web.address("https://elsewhere.example/results/7", &why), std::nullopt);
  EXPECT_NE(why.find("web_services.reply_urls does not allow it"), std::string::npos) << why;
  EXPECT_EQ(web.address("reply.cis-1"), "/amq/queue/reply.cis-1");
  EXPECT_EQ(BrokerProfile::rabbitmq().routed_reply_address("reply.oms-1"), "/exchange/cim/reply.oms-1");
  EXPECT_EQ(BrokerProfile::named("artemis").routed_reply_address("reply.oms-1"), "anycast://reply.oms-1");  // authorised by name there
  const adapter::detail::ReplyDestinations artemis(BrokerProfile::named("artemis"), {});
  EXPECT_EQ(artemis.address("reply.cis-1"), "anycast://reply.cis-1");
  EXPECT_EQ(artemis.address("multicast://cim.req.WorkRequests.cancel"), std::nullopt);
}

// IEC 61968-100 8.4.2 puts the context at the top of every address; cimbus's own scheme is the
// default.
TEST(Addressing, TheContextNamingPutsTheContextAtTheTop) {
  const Naming cimbus;
  EXPECT_EQ(cimbus.routing_key("TroubleTickets", msg::HeaderType_Verb::create), "req.TroubleTickets.create");
  EXPECT_EQ(cimbus.queues_of("oms"), "oms");
  const Naming production = Naming::named("context", "PRODUCTION");
  EXPECT_EQ(production.routing_key("BidSet", msg::HeaderType_Verb::create), "PRODUCTION.REQUESTS.BidSet.create");
  EXPECT_EQ(production.routing_key("BidSet", msg::HeaderType_Verb::created), "PRODUCTION.EVENTS.BidSet.created");
  EXPECT_EQ(production.routing_key("Incidents", msg::HeaderType_Verb::get), "PRODUCTION.REQUESTS.Incidents.get");
  EXPECT_EQ(production.queues_of("oms"), "PRODUCTION.oms");
  EXPECT_THROW(production.routing_key("BidSet", msg::HeaderType_Verb::reply), std::invalid_argument);
  EXPECT_EQ(Naming::named("cimbus", "TRAINING").context, "") << "a context alone guards, it does not rename";
  EXPECT_EQ(Naming::named("", "").context, "");
  for (const auto& [naming, context] : std::vector<std::pair<std::string, std::string>>{
           {"context", ""}, {"ieC", "PRODUCTION"}, {"context", "PRODUCTION.EU"}, {"context", "TRAIN*"}, {"context", "a b"}, {"context", "#"}})
    EXPECT_THROW(Naming::named(naming, context), std::invalid_argument) << naming << " " << context;
}

TEST(Addressing, AVirtualHostIsChosenByTheOpenHostnameOnRabbitMq) {
  EXPECT_EQ(BrokerProfile::rabbitmq().virtual_host("training"), "vhost:training");
  EXPECT_EQ(BrokerProfile::named("activemq").virtual_host("training"), "");
  EXPECT_EQ(BrokerProfile::named("artemis").virtual_host("training"), "");
}

}  // namespace
}  // namespace cimbus::bus
