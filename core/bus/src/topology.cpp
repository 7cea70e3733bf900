#include "cimbus/bus/topology.hpp"

#include <map>
#include <set>
#include <stdexcept>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/codec/verb.hpp"

namespace cimbus::bus {

namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

Value text(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}

Value flag(bool b) {
  Value v;
  v.set_bool_value(b);
  return v;
}

Value number(double n) {
  Value v;
  v.set_number_value(n);
  return v;
}

Value object(std::initializer_list<std::pair<const char*, Value>> fields) {
  Value v;
  for (const auto& [key, value] : fields) (*v.mutable_struct_value()->mutable_fields())[key] = value;
  return v;
}

Value make_exchange(const std::string& vhost, const std::string& name, const std::string& type, Value arguments = object({})) {
  return object({{"name", text(name)}, {"vhost", text(vhost)}, {"type", text(type)}, {"durable", flag(true)},
                 {"auto_delete", flag(false)}, {"internal", flag(false)}, {"arguments", arguments}});
}

Value make_queue(const std::string& vhost, const std::string& name, Value arguments = object({})) {
  return object({{"name", text(name)}, {"vhost", text(vhost)}, {"durable", flag(true)}, {"auto_delete", flag(false)},
                 {"arguments", arguments}});
}

Value make_binding(const std::string& vhost, const std::string& source, const std::string& queue_name, const std::string& key) {
  return object({{"source", text(source)}, {"vhost", text(vhost)}, {"destination", text(queue_name)},
                 {"destination_type", text("queue")}, {"routing_key", text(key)}, {"arguments", object({})}});
}

Value make_policy(const std::string& vhost, const std::string& name, const std::string& pattern, long expires_ms) {
  return object({{"vhost", text(vhost)}, {"name", text(name)}, {"pattern", text(pattern)}, {"apply-to", text("queues")},
                 {"definition", object({{"expires", number(static_cast<double>(expires_ms))}})},
                 {"priority", number(0)}});
}

// The routing keys of a route, checking that its verbs are of the expected kind.
std::vector<std::string> keys(const Route& route, bool events, const SystemRoutes& system) {
  if (route.noun.empty()) throw std::invalid_argument(system.system + ": a route without noun");
  std::vector<std::string> out;
  for (const std::string& literal : route.verbs) {
    auto verb = parse_verb(literal);
    if (!verb || *verb == msg::HeaderType_Verb::reply)
      throw std::invalid_argument(system.system + ": '" + literal + "' is not a verb a route can carry (" + route.noun + ")");
    if (is_event_verb(*verb) != events)
      throw std::invalid_argument(system.system + ": " + literal + " " + route.noun + " is " +
                                  (events ? "a request, not an event it can subscribe to" : "an event, not a request it can handle"));
    out.push_back(system.naming.routing_key(route.noun, *verb));
    // An OperationSet may name its noun either way (tv06: ServiceOrdersOperationSet).
    if (*verb == msg::HeaderType_Verb::execute) out.push_back(system.naming.routing_key(route.noun + "OperationSet", *verb));
  }
  return out;
}

// One virtual host's systems, by the names their queues start with ("oms", "TRAINING.oms").
struct VirtualHost {
  std::map<std::string, std::set<std::string>> request_keys, event_keys;
  std::set<std::string> systems;
};

}  // namespace

std::string rabbitmq_definitions(const std::vector<SystemRoutes>& adapters, const TopologyOptions& options) {
  const std::string& cim = options.exchange;
  const std::string unrouted = cim + ".unrouted", dlx = cim + ".dlx";
  std::map<std::string, VirtualHost> vhosts;
  for (const auto& a : adapters) {
    if (a.system.empty()) throw std::invalid_argument("an adapter configuration without system");
    VirtualHost& v = vhosts[!a.vhost.empty() ? a.vhost : options.vhost];
    const std::string s = a.naming.queues_of(a.system);
    v.systems.insert(s);
    for (const auto& r : a.handles)
      for (auto& k : keys(r, false, a)) v.request_keys[s].insert(k);
    for (const auto& r : a.subscribes)
      for (auto& k : keys(r, true, a)) v.event_keys[s].insert(k);
  }

  Struct definitions;
  auto list = [&](const char* name) { return (*definitions.mutable_fields())[name].mutable_list_value(); };
  auto* listed_vhosts = list("vhosts");
  auto* exchanges = list("exchanges");
  auto* queues = list("queues");
  auto* bindings = list("bindings");
  auto* policies = list("policies");
  for (auto& entry : vhosts) {  // (not a structured binding: C++17 lambdas cannot capture one)
    const std::string& vhost = entry.first;
    VirtualHost& v = entry.second;
    *listed_vhosts->add_values() = object({{"name", text(vhost)}});
    *exchanges->add_values() = make_exchange(vhost, cim, "topic", object({{"alternate-exchange", text(unrouted)}}));
    *exchanges->add_values() = make_exchange(vhost, unrouted, "fanout");
    *exchanges->add_values() = make_exchange(vhost, dlx, "topic");
    *queues->add_values() = make_queue(vhost, unrouted);
    *bindings->add_values() = make_binding(vhost, unrouted, unrouted, "");
    for (const std::string& s : v.systems) {
      auto dead_lettered = [&](const std::string& q) {
        *queues->add_values() = make_queue(vhost, q, object({{"x-dead-letter-exchange", text(dlx)},
                                                             {"x-dead-letter-routing-key", text("dead." + q)}}));
      };
      if (v.request_keys.count(s)) {
        dead_lettered(s + ".requests");
        for (const auto& k : v.request_keys[s]) *bindings->add_values() = make_binding(vhost, cim, s + ".requests", k);
      }
      if (v.event_keys.count(s)) {
        dead_lettered(s + ".events");
        for (const auto& k : v.event_keys[s]) *bindings->add_values() = make_binding(vhost, cim, s + ".events", k);
      }
      *queues->add_values() = make_queue(vhost, s + ".dead");
      *bindings->add_values() = make_binding(vhost, dlx, s + ".dead", "dead." + s + ".#");
    }
    *policies->add_values() = make_policy(vhost, "expire-temporary-queues", "^amq\\.gen-", options.temporary_queue_expiry_ms);
    *policies->add_values() = make_policy(vhost, "expire-reply-queues", "^reply\\.", options.reply_queue_expiry_ms);
  }

  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  print.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(definitions, &json, print).ok())
    throw std::runtime_error("cannot print the topology");
  return json;
}

}  // namespace cimbus::bus
