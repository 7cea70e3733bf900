#include "cimbus/bus/addressing.hpp"

#include <stdexcept>

namespace cimbus::bus {

namespace {

std::string fill(std::string text, std::string_view name, std::string_view value) {
  const std::string placeholder = "{" + std::string(name) + "}";
  for (auto at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
    text.replace(at, placeholder.size(), value);
  return text;
}

}  // namespace

std::string routing_key(std::string_view noun, Verb verb) {
  if (verb == msg::HeaderType_Verb::reply) throw std::invalid_argument("a reply has no routing key");
  return std::string(is_event_verb(verb) ? "evt." : "req.") + std::string(noun) + "." + to_literal(verb);
}

std::string reply_queue(std::string_view instance) { return "reply." + std::string(instance); }

std::string BrokerProfile::publish_address(std::string_view key) const {
  return fill(fill(publish, "exchange", exchange), "key", key);
}

std::string BrokerProfile::consume_address(std::string_view queue) const { return fill(consume, "queue", queue); }

std::string BrokerProfile::own_queue_address(std::string_view queue) const { return fill(own_queue, "queue", queue); }

std::string BrokerProfile::reply_address(std::string_view reply_to) const {
  if (reply_to.empty() || reply_to.front() == '/' || reply_to.find("://") != std::string_view::npos)
    return std::string(reply_to);
  return fill(send_to_queue, "queue", reply_to);
}

std::string BrokerProfile::subscribe_address(std::string_view pattern) const {
  return fill(fill(subscribe, "exchange", exchange), "key", pattern);
}

BrokerProfile BrokerProfile::rabbitmq() {
  BrokerProfile p;
  p.name = "rabbitmq";
  p.publish = "/exchange/{exchange}/{key}";
  p.consume = "/amq/queue/{queue}";
  p.own_queue = "/queue/{queue}";
  p.send_to_queue = "/amq/queue/{queue}";
  p.subscribe = "/exchange/{exchange}/{key}";
  return p;
}

BrokerProfile BrokerProfile::activemq() {
  BrokerProfile p;
  p.name = "activemq";
  p.publish = "topic://{exchange}.{key}";
  p.consume = "queue://{queue}";
  p.own_queue = "queue://{queue}";
  p.send_to_queue = "queue://{queue}";
  p.subscribe = "topic://{exchange}.{key}";
  return p;
}

BrokerProfile BrokerProfile::artemis() {
  BrokerProfile p;
  p.name = "artemis";
  p.publish = "multicast://{exchange}.{key}";
  p.consume = "anycast://{queue}";
  p.own_queue = "anycast://{queue}";
  p.send_to_queue = "anycast://{queue}";
  p.subscribe = "multicast://{exchange}.{key}";
  return p;
}

BrokerProfile BrokerProfile::named(std::string_view name) {
  if (name == "rabbitmq") return rabbitmq();
  if (name == "activemq") return activemq();
  if (name == "artemis") return artemis();
  throw std::invalid_argument("unknown broker profile '" + std::string(name) + "' (rabbitmq, activemq, artemis)");
}

}  // namespace cimbus::bus
