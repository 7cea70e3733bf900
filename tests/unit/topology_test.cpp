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
  return {"oms", {{"TroubleTickets", {"create"}}}, {{"WorkRequests", {"changed"}}}, std::move(naming), std::move(vhost)};
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

}  // namespace
}  // namespace cimbus::bus
