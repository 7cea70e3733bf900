// The RabbitMQ definitions `cimbus topology` prints: one set per virtual host, named by each
// system's naming (IEC 61968-100 8.4.2 with the context at the top, or cimbus's default).

#include <gtest/gtest.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "cimbus/bus/topology.hpp"

namespace cimbus::bus {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

Struct parsed(const std::string& json) {
  Struct s;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &s).ok()) << json;
  return s;
}

// "vhost name" of every entry of `list` (queues, exchanges, bindings by destination and key).
std::vector<std::string> names(const Struct& definitions, const std::string& list) {
  std::vector<std::string> out;
  for (const Value& v : definitions.fields().at(list).list_value().values()) {
    const auto& f = v.struct_value().fields();
    std::string name = f.count("name") ? f.at("name").string_value() : f.at("destination").string_value() + " <- " + f.at("routing_key").string_value();
    out.push_back((f.count("vhost") ? f.at("vhost").string_value() + " " : std::string()) + name);
  }
  return out;
}

bool has(const std::vector<std::string>& list, const std::string& entry) { return std::find(list.begin(), list.end(), entry) != list.end(); }

SystemRoutes oms(Naming naming, std::string vhost = {}) {
  SystemRoutes r;
  r.system = "oms";
  r.handles = {{"TroubleTickets", {"create"}}};
  r.subscribes = {{"WorkRequests", {"changed"}}};
  r.naming = std::move(naming);
  r.vhost = std::move(vhost);
  return r;
}

// The fields of the entry of `list` whose `key` is `value` and whose exchange, if it has one, is `exchange`.
const google::protobuf::Map<std::string, Value>& entry(const Struct& d, const std::string& list, const std::string& key, const std::string& value,
                                                        const std::string& exchange = "") {
  for (const Value& v : d.fields().at(list).list_value().values()) {
    const auto& f = v.struct_value().fields();
    if (f.at(key).string_value() == value && (exchange.empty() || f.at("exchange").string_value() == exchange)) return f;
  }
  ADD_FAILURE() << "no " << list << " with " << key << " " << value << " " << exchange;
  static const google::protobuf::Map<std::string, Value> none;
  return none;
}

TEST(Topology, EachContextHasItsOwnQueuesAndKeysOnOneVirtualHost) {
  const Struct d = parsed(rabbitmq_definitions({oms(Naming::named("context", "PRODUCTION")), oms(Naming::named("context", "TRAINING"))}));
  const auto queues = names(d, "queues"), bindings = names(d, "bindings");
  for (const char* context : {"PRODUCTION", "TRAINING"}) {
    const std::string c = context;
    EXPECT_TRUE(has(queues, "/ " + c + ".oms.requests")) << c;
    EXPECT_TRUE(has(queues, "/ " + c + ".oms.events")) << c;
    EXPECT_TRUE(has(queues, "/ " + c + ".oms.dead")) << c;
    EXPECT_TRUE(has(bindings, "/ " + c + ".oms.requests <- " + c + ".REQUESTS.TroubleTickets.create")) << c;
    EXPECT_TRUE(has(bindings, "/ " + c + ".oms.events <- " + c + ".EVENTS.WorkRequests.changed")) << c;
    EXPECT_TRUE(has(bindings, "/ " + c + ".oms.dead <- dead." + c + ".oms.#")) << c;
  }
  EXPECT_FALSE(has(queues, "/ oms.requests"));
  EXPECT_EQ(names(d, "vhosts"), std::vector<std::string>{"/"});
}

TEST(Topology, EachVirtualHostGetsTheWholeTopology) {
  TopologyOptions options;
  options.vhost = "/";
  const Struct d = parsed(rabbitmq_definitions({oms({}), oms({}, "training")}, options));
  EXPECT_EQ(names(d, "vhosts"), (std::vector<std::string>{"/", "training"}));
  const auto queues = names(d, "queues"), exchanges = names(d, "exchanges"), bindings = names(d, "bindings"), policies = names(d, "policies");
  for (const std::string vhost : {"/", "training"}) {
    EXPECT_TRUE(has(exchanges, vhost + " cim")) << vhost;
    EXPECT_TRUE(has(exchanges, vhost + " cim.unrouted")) << vhost;
    EXPECT_TRUE(has(exchanges, vhost + " cim.dlx")) << vhost;
    EXPECT_TRUE(has(queues, vhost + " oms.requests")) << vhost;
    EXPECT_TRUE(has(queues, vhost + " cim.unrouted")) << vhost;
    EXPECT_TRUE(has(bindings, vhost + " oms.requests <- req.TroubleTickets.create")) << vhost;
    EXPECT_TRUE(has(policies, vhost + " expire-reply-queues")) << vhost;
  }
  options.vhost = "study";  // the default of configurations that name none
  EXPECT_EQ(names(parsed(rabbitmq_definitions({oms({})}, options)), "vhosts"), std::vector<std::string>{"study"});
}

// Least privilege (decisions/0026): a user per system, its instances' reply queues bound to the
// exchange by their names and kept, and permissions that are exactly its own.
TEST(Topology, EachSystemGetsAUserThatMayDoOnlyWhatItsRoutesNeed) {
  SystemRoutes o = oms({});
  o.handles = {{"TroubleTickets", {"create", "get"}}};
  o.requests = {{"MaintenanceOrders", {"create"}}};
  o.publishes = {{"Incidents", {"closed"}}};
  o.instances = {"oms-1", "oms-2"};
  o.user = "oms";
  EXPECT_THROW(rabbitmq_definitions({[&] { SystemRoutes bad = o; bad.requests = {{"WorkRequests", {"changed"}}}; return bad; }()}),
               std::invalid_argument);  // an event is not a request it sends
  const Struct d = parsed(rabbitmq_definitions({o}));
  EXPECT_EQ(names(d, "users"), std::vector<std::string>{"oms"});
  EXPECT_EQ(entry(d, "users", "name", "oms").at("password_hash").string_value(), "");  // a certificate's, or one the operator sets
  EXPECT_EQ(entry(d, "users", "name", "oms").at("tags").list_value().values_size(), 0);
  const auto queues = names(d, "queues"), bindings = names(d, "bindings");
  EXPECT_TRUE(has(queues, "/ reply.oms-2"));
  EXPECT_TRUE(has(bindings, "/ reply.oms-2 <- reply.oms-2"));
  const auto& p = entry(d, "permissions", "user", "oms");
  EXPECT_EQ(p.at("configure").string_value(), "^(reply\\.oms-1|reply\\.oms-2)$");
  EXPECT_EQ(p.at("read").string_value(), "^(cim\\.unrouted|oms\\.events|oms\\.requests|reply\\.oms-1|reply\\.oms-2)$");
  EXPECT_EQ(p.at("write").string_value(), "^(cim|cim\\.dlx)$");  // not amq.default, which reaches every queue
  const std::string keys = entry(d, "topic_permissions", "user", "oms", "cim").at("write").string_value();
  ASSERT_EQ(keys.substr(0, 2) + keys.substr(keys.size() - 2), "^()$");
  const std::string alternatives = "|" + keys.substr(2, keys.size() - 4) + "|";
  for (const char* allowed : {"req\\.MaintenanceOrders\\.create", "req\\.TroubleTickets\\.get", "evt\\.TroubleTickets\\.closed",
                              "evt\\.Incidents\\.closed", "reply\\..+"})
    EXPECT_NE(alternatives.find(std::string("|") + allowed + "|"), std::string::npos) << allowed << " in " << keys;
  EXPECT_EQ(keys.find("CustomerAgreements"), std::string::npos) << keys;
  EXPECT_EQ(keys.find("evt\\.Incidents\\.changed"), std::string::npos) << keys;  // only what `publishes` names
  EXPECT_EQ(entry(d, "topic_permissions", "user", "oms", "cim.dlx").at("write").string_value(), "^(dead\\.oms\\..+)$");
  EXPECT_EQ(entry(d, "policies", "name", "expire-reply-queues").at("pattern").string_value(), "^(?!(reply\\.oms-1|reply\\.oms-2)$)reply\\.");
  TopologyOptions without;
  without.users = false;
  EXPECT_EQ(parsed(rabbitmq_definitions({o}, without)).fields().count("users"), 0u);
}

// Issue 18, point 1 (decisions/0030): on a cluster every queue is a quorum queue; a system's
// request and event queues dead-letter at least once, with a delivery limit above its poison limit.
TEST(Topology, QuorumMakesEveryQueueAQuorumQueueWithADeliveryLimit) {
  SystemRoutes o = oms(Naming::named("cimbus", ""));
  o.instances = {"oms-1"};
  o.max_attempts = 4;
  TopologyOptions quorum;
  quorum.quorum = true;
  const Struct d = parsed(rabbitmq_definitions({o}, quorum));
  for (const char* q : {"oms.requests", "oms.events", "oms.dead", "reply.oms-1", "cim.unrouted"}) {
    const auto& arguments = entry(d, "queues", "name", q).at("arguments").struct_value().fields();
    ASSERT_TRUE(arguments.count("x-queue-type")) << q;
    EXPECT_EQ(arguments.at("x-queue-type").string_value(), "quorum") << q;
  }
  const auto& requests = entry(d, "queues", "name", "oms.requests").at("arguments").struct_value().fields();
  EXPECT_EQ(requests.at("x-delivery-limit").number_value(), 18) << "2 x max_attempts + 10";
  EXPECT_EQ(requests.at("x-dead-letter-strategy").string_value(), "at-least-once");
  EXPECT_EQ(requests.at("x-overflow").string_value(), "reject-publish");
  EXPECT_EQ(requests.at("x-dead-letter-exchange").string_value(), "cim.dlx");

  const Struct classic = parsed(rabbitmq_definitions({o}));
  EXPECT_EQ(entry(classic, "queues", "name", "oms.requests").at("arguments").struct_value().fields().count("x-queue-type"), 0u)
      << "classic queues without --quorum";
}

}  // namespace
}  // namespace cimbus::bus
