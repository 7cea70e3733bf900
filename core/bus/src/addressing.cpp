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

// The name after `scheme` ("queue:", "topic:"), the forms IEC 61968-100 6.3.2 gives a
// ReplyAddress ("queue:EMS.ReplyQueue"); not ActiveMQ's addresses ("queue://…").
std::optional<std::string_view> named_by(std::string_view text, std::string_view scheme) {
  if (text.substr(0, scheme.size()) != scheme || text.substr(scheme.size(), 2) == "//") return std::nullopt;
  return text.substr(scheme.size());
}

constexpr std::string_view kReplyPrefix = "reply.";

}  // namespace

std::string routing_key(std::string_view noun, Verb verb) { return Naming{}.routing_key(noun, verb); }

std::string reply_queue(std::string_view instance) { return std::string(kReplyPrefix) + std::string(instance); }

std::string Naming::routing_key(std::string_view noun, Verb verb) const {
  if (verb == msg::HeaderType_Verb::reply) throw std::invalid_argument("a reply has no routing key");
  const bool event = is_event_verb(verb);
  const std::string prefix = context.empty() ? (event ? "evt." : "req.") : context + (event ? ".EVENTS." : ".REQUESTS.");
  return prefix + std::string(noun) + "." + to_literal(verb);
}

std::string Naming::queues_of(std::string_view system) const {
  return context.empty() ? std::string(system) : context + "." + std::string(system);
}

Naming Naming::named(std::string_view naming, std::string_view context) {
  if (naming.empty() || naming == "cimbus") return {};
  if (naming != "context") throw std::invalid_argument("naming: '" + std::string(naming) + "' is not cimbus or context");
  if (context.empty()) throw std::invalid_argument("naming: context puts the context at the top of every address; set context");
  // A routing key's words are separated by dots, and * and # are patterns: none in a context.
  if (context.find_first_of(".*#/ ") != std::string_view::npos)
    throw std::invalid_argument("context: '" + std::string(context) + "' cannot name addresses (no '.', '*', '#', '/' or space)");
  return {std::string(context)};
}

std::string BrokerProfile::publish_address(std::string_view key) const {
  return fill(fill(publish, "exchange", exchange), "key", key);
}

std::string BrokerProfile::consume_address(std::string_view queue) const { return fill(consume, "queue", queue); }

std::string BrokerProfile::own_queue_address(std::string_view queue) const { return fill(own_queue, "queue", queue); }

std::string BrokerProfile::reply_address(std::string_view reply_to) const {
  if (auto queue = named_by(reply_to, "queue:")) return queue->empty() ? std::string() : fill(send_to_queue, "queue", *queue);
  if (auto topic = named_by(reply_to, "topic:")) return topic->empty() ? std::string() : fill(this->topic, "topic", *topic);
  if (reply_to.empty() || is_address(reply_to)) return std::string(reply_to);
  return fill(send_to_queue, "queue", reply_to);
}

bool BrokerProfile::is_address(std::string_view text) {
  return (!text.empty() && text.front() == '/') || text.find("://") != std::string_view::npos;
}

std::optional<std::string> BrokerProfile::queue_of(std::string_view address) const {
  auto is_name = [](std::string_view name) { return !name.empty() && name.find('/') == std::string_view::npos && name.find("://") == std::string_view::npos; };
  if (!is_address(address)) return is_name(address) ? std::optional<std::string>(address) : std::nullopt;
  for (const std::string* form : {&send_to_queue, &own_queue, &consume}) {
    const std::size_t at = form->find("{queue}");
    if (at == std::string::npos) continue;
    const std::string_view prefix = std::string_view(*form).substr(0, at), suffix = std::string_view(*form).substr(at + 7);
    if (address.size() <= prefix.size() + suffix.size() || address.substr(0, prefix.size()) != prefix ||
        address.substr(address.size() - suffix.size()) != suffix)
      continue;
    const std::string_view name = address.substr(prefix.size(), address.size() - prefix.size() - suffix.size());
    if (is_name(name)) return std::string(name);
  }
  return std::nullopt;
}

std::string BrokerProfile::dead_letter_address(std::string_view system) const {
  return fill(fill(dead_letter, "exchange", exchange), "system", system);
}

std::string BrokerProfile::unrouted_address() const { return fill(unrouted, "exchange", exchange); }

std::string BrokerProfile::virtual_host(std::string_view name) const { return vhost.empty() ? std::string() : fill(vhost, "vhost", name); }

std::string BrokerProfile::routed_reply_address(std::string_view queue) const {
  if (routed_reply.empty()) return fill(send_to_queue, "queue", queue);
  return fill(fill(routed_reply, "exchange", exchange), "queue", queue);
}

std::optional<std::string> BrokerProfile::routed_reply_queue(std::string_view address) const {
  if (routed_reply.empty()) return std::nullopt;
  const std::string prefix = routed_reply_address("");
  if (address.size() <= prefix.size() || address.substr(0, prefix.size()) != prefix) return std::nullopt;
  const std::string_view queue = address.substr(prefix.size());
  // only a reply queue's name: one word after "reply.", no pattern and no path
  if (queue.rfind(kReplyPrefix, 0) != 0 || queue.size() == kReplyPrefix.size() || queue.find_first_of("/*# ") != std::string_view::npos)
    return std::nullopt;
  return std::string(queue);
}

std::string BrokerProfile::subscribe_address(std::string_view pattern) const {
  return fill(fill(subscribe, "exchange", exchange), "key", pattern);
}

namespace {

// name, publish, consume, own queue, send to queue, subscribe, dead letter, checked queue prefix
// (ActiveMQ and Artemis create a queue that is sent to; RabbitMQ drops what goes to a missing one),
// unrouted (only RabbitMQ's topology has an alternate exchange), a named topic, the open hostname
// of a virtual host (RabbitMQ 3.10 and 4.x: "vhost:NAME"; ActiveMQ and Artemis have none), a
// reply queue through the exchange (RabbitMQ's default exchange reaches every queue, so a user
// that may use it may send anywhere; ActiveMQ and Artemis authorise by destination name)
const char* const kProfiles[][12] = {
    {"rabbitmq", "/exchange/{exchange}/{key}", "/amq/queue/{queue}", "/queue/{queue}", "/amq/queue/{queue}",
     "/exchange/{exchange}/{key}", "/exchange/{exchange}.dlx/dead.{system}.adapter", "/amq/queue/", "/amq/queue/{exchange}.unrouted",
     "/topic/{topic}", "vhost:{vhost}", "/exchange/{exchange}/{queue}"},
    {"activemq", "topic://{exchange}.{key}", "queue://{queue}", "queue://{queue}", "queue://{queue}",
     "topic://{exchange}.{key}", "queue://{system}.dead", "", "", "topic://{topic}", "", ""},
    {"artemis", "multicast://{exchange}.{key}", "anycast://{queue}", "anycast://{queue}", "anycast://{queue}",
     "multicast://{exchange}.{key}", "anycast://{system}.dead", "", "", "multicast://{topic}", "", ""},
};

}  // namespace

BrokerProfile BrokerProfile::named(std::string_view name) {
  for (const auto& row : kProfiles) {
    if (name != row[0]) continue;
    BrokerProfile p;
    p.name = row[0];
    p.publish = row[1];
    p.consume = row[2];
    p.own_queue = row[3];
    p.send_to_queue = row[4];
    p.subscribe = row[5];
    p.dead_letter = row[6];
    p.checked_queue_prefix = row[7];
    p.unrouted = row[8];
    p.topic = row[9];
    p.vhost = row[10];
    p.routed_reply = row[11];
    return p;
  }
  throw std::invalid_argument("unknown broker profile '" + std::string(name) + "' (rabbitmq, activemq, artemis)");
}

BrokerProfile BrokerProfile::rabbitmq() { return named("rabbitmq"); }
BrokerProfile BrokerProfile::activemq() { return named("activemq"); }
BrokerProfile BrokerProfile::artemis() { return named("artemis"); }

}  // namespace cimbus::bus
