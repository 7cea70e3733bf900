#pragma once
// Logical routing keys and the broker addresses they map to.
//
// Requests are routed by "req.<Noun>.<verb>", events by "evt.<Noun>.<verb>" (past tense), both
// through one topic exchange ("cim"); each subscribing system consumes from its own durable
// queues, and each adapter instance receives replies on its own queue "reply.<instance>". A
// BrokerProfile turns these logical names into the addresses a broker understands.

#include <optional>
#include <string>
#include <string_view>

#include "cimbus/codec/verb.hpp"

namespace cimbus::bus {

// "req.TroubleTickets.create" for request verbs (and get, execute), "evt.TroubleTickets.created"
// for event verbs. Reply verbs have no routing key: replies go to the requester's reply queue.
std::string routing_key(std::string_view noun, Verb verb);

// How routing keys and a system's queues are named (config "naming", decisions/0022):
// - "cimbus", the default: keys req.<Noun>.<verb> and evt.<Noun>.<verb>; queues <system>.requests,
//   <system>.events and <system>.dead;
// - "context", IEC 61968-100 8.4.2's, with the context at the top: keys
//   <CONTEXT>.REQUESTS.<Noun>.<verb> and <CONTEXT>.EVENTS.<Noun>.<verb>; queues
//   <CONTEXT>.<system>.requests, ...: the adapters of each context on one broker (PRODUCTION,
//   TRAINING) exchange nothing with another context's.
struct Naming {
  std::string context;  // empty: cimbus's scheme

  std::string routing_key(std::string_view noun, Verb verb) const;
  // What a system's queue names start with: "oms", or "TRAINING.oms".
  std::string queues_of(std::string_view system) const;
  // By the configuration's words: naming "cimbus" (or empty) or "context", with its context.
  // Throws std::invalid_argument for another naming, or "context" without a context.
  static Naming named(std::string_view naming, std::string_view context);
};

// The reply queue of an adapter instance: "reply.<instance>".
std::string reply_queue(std::string_view instance);

struct BrokerProfile {
  std::string name;
  std::string exchange = "cim";
  // Templates: {exchange}, {key} and {queue} are replaced.
  std::string publish;        // where messages with a routing key are sent
  std::string consume;        // a durable queue declared by the topology
  std::string own_queue;      // a queue its consumer declares (durable), e.g. a reply queue
  std::string send_to_queue;  // sending straight to a queue that exists
  std::string subscribe;      // a temporary subscription by routing-key pattern ({key}: * and #)
  std::string dead_letter;    // the dead-letter queue of a system ({system}), as the topology makes it
  std::string unrouted;       // the queue that keeps what no binding routes; empty: the broker has none
  std::string topic;          // a topic by name ({topic}), for a ReplyAddress "topic:NAME"
  std::string vhost;          // the AMQP open hostname that selects a virtual host ({vhost}); empty: none
  // A reply queue reached through the exchange by its own name ({exchange}, {queue}): the
  // topology binds each instance's reply queue so (decisions/0026); empty: send_to_queue.
  std::string routed_reply;
  // Addresses of queues that must exist before a send (BusOptions::checked_queue_prefix): the
  // broker would take and drop what goes to a missing one. Empty when the broker creates them.
  std::string checked_queue_prefix;

  std::string publish_address(std::string_view key) const;
  std::string consume_address(std::string_view queue) const;
  std::string own_queue_address(std::string_view queue) const;
  // Where a reply goes: a ReplyAddress that is already an address ("/...", "queue://...") is used
  // as it is; a queue name, or IEC 61968-100's "queue:NAME", is mapped with send_to_queue, its
  // "topic:NAME" with topic; "" for "queue:" or "topic:" without a name.
  std::string reply_address(std::string_view reply_to) const;
  // The ReplyAddress of a requester whose reply queue is bound to the exchange by its name
  // (config broker.routed_replies): RabbitMQ /exchange/cim/reply.oms-1; other brokers' queue form.
  std::string routed_reply_address(std::string_view queue) const;
  // The reply queue that `address` reaches through the exchange (the routed_reply form of a
  // reply.* queue), if it is one.
  std::optional<std::string> routed_reply_queue(std::string_view address) const;
  std::string subscribe_address(std::string_view pattern) const;
  // Where an adapter puts a message it gives up on, with its reason: the system's dead queue.
  std::string dead_letter_address(std::string_view system) const;
  // Where the broker keeps what routes nowhere (RabbitMQ: the queue of the exchange's alternate
  // exchange, "/amq/queue/cim.unrouted"); "" when the broker keeps nothing of it.
  std::string unrouted_address() const;
  // The AMQP open hostname that selects virtual host `name` (RabbitMQ: "vhost:NAME"); "" when the
  // broker has no virtual hosts this way.
  std::string virtual_host(std::string_view name) const;
  // True when `text` is already a broker address ("/...", "queue://...") rather than a queue name.
  static bool is_address(std::string_view text);
  // The queue `address` sends to ("/amq/queue/reply.cis-1" -> "reply.cis-1"; a bare name is its
  // own queue); nullopt for an address that is no queue of this profile (an exchange, a topic).
  std::optional<std::string> queue_of(std::string_view address) const;

  // RabbitMQ 3.10 with rabbitmq_amqp1_0: /exchange/cim/<key>, /amq/queue/<queue>, /queue/<queue>.
  static BrokerProfile rabbitmq();
  // ActiveMQ Classic (topic://cim.<key>, queue://<queue>) and Artemis (multicast://, anycast://).
  static BrokerProfile activemq();
  static BrokerProfile artemis();
  // By name: "rabbitmq", "activemq", "artemis"; throws std::invalid_argument otherwise.
  static BrokerProfile named(std::string_view name);
};

}  // namespace cimbus::bus
