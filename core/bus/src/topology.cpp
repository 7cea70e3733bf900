#include "cimbus/bus/topology.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/codec/json_value.hpp"
#include "cimbus/codec/verb.hpp"

namespace cimbus::bus {

namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using json::flag;
using json::number;
using json::object;
using json::text;

Value make_exchange(const std::string& vhost, const std::string& name, const std::string& type, Value arguments = object({})) {
  return object({{"name", text(name)}, {"vhost", text(vhost)}, {"type", text(type)}, {"durable", flag(true)},
                 {"auto_delete", flag(false)}, {"internal", flag(false)}, {"arguments", arguments}});
}

Value make_queue(const std::string& vhost, const std::string& name, Value arguments = object({})) {
  return object({{"name", text(name)}, {"vhost", text(vhost)}, {"durable", flag(true)}, {"auto_delete", flag(false)},
                 {"arguments", arguments}});
}

// `arguments` with those of a quorum queue when `quorum`.
Value queue_arguments(bool quorum, Value arguments = object({})) {
  if (quorum) (*arguments.mutable_struct_value()->mutable_fields())["x-queue-type"] = text("quorum");
  return arguments;
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

Value strings(const std::set<std::string>& items) {
  Value v;
  auto* list = v.mutable_list_value();  // [] when empty, rather than nothing
  for (const std::string& item : items) *list->add_values() = text(item);
  return v;
}

Value make_permissions(const std::string& vhost, const std::string& user, const std::string& configure, const std::string& write,
                       const std::string& read) {
  return object({{"user", text(user)}, {"vhost", text(vhost)}, {"configure", text(configure)}, {"write", text(write)}, {"read", text(read)}});
}

Value make_topic_permissions(const std::string& vhost, const std::string& user, const std::string& exchange, const std::string& write) {
  return object({{"user", text(user)}, {"vhost", text(vhost)}, {"exchange", text(exchange)}, {"write", text(write)}, {"read", text("^$")}});
}

// `name` as a regular expression that matches it alone.
std::string escaped(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// A RabbitMQ permission: exactly these names (already regular expressions), or nothing ("^$").
std::string exactly(const std::set<std::string>& patterns) {
  if (patterns.empty()) return "^$";
  std::string alternatives;
  for (const std::string& p : patterns) alternatives += (alternatives.empty() ? "" : "|") + p;
  return "^(" + alternatives + ")$";
}

std::set<std::string> escaped(const std::set<std::string>& names) {
  std::set<std::string> out;
  for (const std::string& n : names) out.insert(escaped(n));
  return out;
}

const std::vector<Verb>& event_verbs() {
  static const std::vector<Verb> verbs = [] {
    std::vector<Verb> out;
    for (int i = msg::HeaderType_Verb::Value_MIN; i <= msg::HeaderType_Verb::Value_MAX; ++i)
      if (msg::HeaderType_Verb::Value_IsValid(i) && is_event_verb(static_cast<Verb>(i))) out.push_back(static_cast<Verb>(i));
    return out;
  }();
  return verbs;
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

// What one broker user may do in one virtual host.
struct Grants {
  std::set<std::string> reply_queues;  // configure and read
  std::set<std::string> queues;        // read: the system's own
  std::set<std::string> keys;          // write, on the exchange (topic permissions)
  std::set<std::string> dead_letters;  // write, on the dead-letter exchange: dead.<system>.*
};

// One virtual host's systems, by the names their queues start with ("oms", "TRAINING.oms").
struct VirtualHost {
  std::map<std::string, std::set<std::string>> request_keys, event_keys;
  std::set<std::string> systems;
  std::set<std::string> reply_queues;     // of the instances named, bound to the exchange by their names
  std::map<std::string, Grants> grants;   // by user
  std::map<std::string, int> max_attempts;  // by system: its poison limit
};

}  // namespace

std::string rabbitmq_definitions(const std::vector<SystemRoutes>& adapters, const TopologyOptions& options) {
  const std::string& cim = options.exchange;
  const std::string unrouted = cim + ".unrouted", dlx = cim + ".dlx";
  std::map<std::string, VirtualHost> vhosts;
  std::set<std::string> users;
  for (const auto& a : adapters) {
    if (a.system.empty()) throw std::invalid_argument("an adapter configuration without system");
    VirtualHost& v = vhosts[!a.vhost.empty() ? a.vhost : options.vhost];
    const std::string s = a.naming.queues_of(a.system);
    v.systems.insert(s);
    v.max_attempts[s] = std::max(v.max_attempts[s], a.max_attempts);
    for (const auto& r : a.handles)
      for (auto& k : keys(r, false, a)) v.request_keys[s].insert(k);
    for (const auto& r : a.subscribes)
      for (auto& k : keys(r, true, a)) v.event_keys[s].insert(k);
    for (const std::string& instance : a.instances) v.reply_queues.insert(reply_queue(instance));
    if (a.user.empty()) continue;
    users.insert(a.user);
    Grants& g = v.grants[a.user];
    for (const std::string& instance : a.instances) g.reply_queues.insert(reply_queue(instance));
    for (const auto& r : a.requests)
      for (auto& k : keys(r, false, a)) g.keys.insert(escaped(k));
    for (const auto& r : a.publishes)
      for (auto& k : keys(r, true, a)) g.keys.insert(escaped(k));
    for (const auto& r : a.handles) {
      // the events of the nouns it handles are its own; and it may request what it serves (its
      // web services put its own systems' calls on the bus)
      for (Verb verb : event_verbs()) g.keys.insert(escaped(a.naming.routing_key(r.noun, verb)));
      for (auto& k : keys(r, false, a)) g.keys.insert(escaped(k));
    }
    g.keys.insert(escaped(reply_queue("")) + ".+");  // replies, to any instance's reply queue
    g.dead_letters.insert(escaped("dead." + s + ".") + ".+");
    if (!a.handles.empty()) g.queues.insert(s + ".requests");
    if (!a.subscribes.empty()) g.queues.insert(s + ".events");
  }

  Struct definitions;
  auto list = [&](const char* name) { return (*definitions.mutable_fields())[name].mutable_list_value(); };
  auto* listed_vhosts = list("vhosts");
  auto* exchanges = list("exchanges");
  auto* queues = list("queues");
  auto* bindings = list("bindings");
  auto* policies = list("policies");
  auto* permissions = list("permissions");
  auto* topic_permissions = list("topic_permissions");
  for (auto& entry : vhosts) {  // (not a structured binding: C++17 lambdas cannot capture one)
    const std::string& vhost = entry.first;
    VirtualHost& v = entry.second;
    *listed_vhosts->add_values() = object({{"name", text(vhost)}});
    *exchanges->add_values() = make_exchange(vhost, cim, "topic", object({{"alternate-exchange", text(unrouted)}}));
    *exchanges->add_values() = make_exchange(vhost, unrouted, "fanout");
    *exchanges->add_values() = make_exchange(vhost, dlx, "topic");
    *queues->add_values() = make_queue(vhost, unrouted, queue_arguments(options.quorum));
    *bindings->add_values() = make_binding(vhost, unrouted, unrouted, "");
    for (const std::string& s : v.systems) {
      auto dead_lettered = [&](const std::string& q) {
        Value arguments = object({{"x-dead-letter-exchange", text(dlx)}, {"x-dead-letter-routing-key", text("dead." + q)}});
        if (options.quorum) {
          // The adapter gives a poison message up itself after max_attempts (its inbox counts);
          // the broker's limit catches one that kills the process before the count is kept, with
          // room for the deliveries an adapter gives back unread when it stops.
          auto& f = *arguments.mutable_struct_value()->mutable_fields();
          f["x-delivery-limit"] = json::number(2.0 * v.max_attempts[s] + 10);
          // nothing dropped on the way to the dead-letter queue: kept until it takes it
          f["x-dead-letter-strategy"] = text("at-least-once");
          f["x-overflow"] = text("reject-publish");
        }
        *queues->add_values() = make_queue(vhost, q, queue_arguments(options.quorum, arguments));
      };
      if (v.request_keys.count(s)) {
        dead_lettered(s + ".requests");
        for (const auto& k : v.request_keys[s]) *bindings->add_values() = make_binding(vhost, cim, s + ".requests", k);
      }
      if (v.event_keys.count(s)) {
        dead_lettered(s + ".events");
        for (const auto& k : v.event_keys[s]) *bindings->add_values() = make_binding(vhost, cim, s + ".events", k);
      }
      *queues->add_values() = make_queue(vhost, s + ".dead", queue_arguments(options.quorum));
      *bindings->add_values() = make_binding(vhost, dlx, s + ".dead", "dead." + s + ".#");
    }
    for (const std::string& q : v.reply_queues) {
      *queues->add_values() = make_queue(vhost, q, queue_arguments(options.quorum));
      *bindings->add_values() = make_binding(vhost, cim, q, q);
    }
    for (const auto& [user, g] : v.grants) {
      std::set<std::string> read = escaped(g.queues);
      read.insert(escaped(unrouted));
      for (const std::string& q : escaped(g.reply_queues)) read.insert(q);
      *permissions->add_values() = make_permissions(vhost, user, exactly(escaped(g.reply_queues)), exactly(escaped(std::set<std::string>{cim, dlx})),
                                                    exactly(read));
      *topic_permissions->add_values() = make_topic_permissions(vhost, user, cim, exactly(g.keys));
      *topic_permissions->add_values() = make_topic_permissions(vhost, user, dlx, exactly(g.dead_letters));
    }
    *policies->add_values() = make_policy(vhost, "expire-temporary-queues", "^amq\\.gen-", options.temporary_queue_expiry_ms);
    // Reply queues of other requesters expire when left; those declared here are kept, with the
    // binding that replies reach them by.
    std::string kept;
    if (!v.reply_queues.empty()) kept = "(?!" + exactly(escaped(v.reply_queues)).substr(1) + ")";
    *policies->add_values() = make_policy(vhost, "expire-reply-queues", "^" + kept + "reply\\.", options.reply_queue_expiry_ms);
  }
  if (options.users) {
    auto* listed_users = list("users");
    for (const std::string& user : users)
      *listed_users->add_values() = object({{"name", text(user)}, {"tags", strings({})}, {"password_hash", text("")},
                                            {"hashing_algorithm", text("rabbit_password_hashing_sha256")}});
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
