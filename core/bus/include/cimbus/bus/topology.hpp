#pragma once
// The broker topology that the adapters' routing configuration implies, generated rather than
// maintained by hand (DESIGN.md "Addressing"). For RabbitMQ, as a definitions document that the
// broker loads at boot (scripts/broker --definitions) or `rabbitmqctl import_definitions` reads:
//
// - exchange "cim" (topic, durable) with alternate exchange "cim.unrouted" (fanout) and its queue
//   "cim.unrouted": a message that no binding routes is kept there and reported, never dropped;
// - per system S that handles requests: durable queue "S.requests" bound by req.<Noun>.<verb>; per
//   system that subscribes to events: durable queue "S.events" bound by evt.<Noun>.<verb>. All
//   instances of S share them: requests are served once per system, events reach every system;
// - dead letters: exchange "cim.dlx" (topic), queue "S.dead" bound by dead.S.#; S's queues
//   dead-letter there;
// - expiry policies: temporary queues (amq.gen-*) and instance reply queues (reply.*) left
//   without consumers are removed;
// - all of it in each virtual host that a system names (broker.vhost; default "/"), and with a
//   system's naming (addressing.hpp Naming): <CONTEXT>.<system>.requests bound by
//   <CONTEXT>.REQUESTS.<Noun>.<verb>, and so on;
// - least privilege (decisions/0026): per instance, its durable reply queue "reply.<instance>",
//   bound to "cim" by its own name and kept (no expiry); per system, a broker user (no tags, no
//   password: a certificate's, or one set by the operator) that may configure only its instances'
//   reply queues, read only its own queues (and cim.unrouted, which adapters report), write only
//   to "cim" and "cim.dlx", and there, by topic permissions, only the routing keys of the requests
//   it sends (and those it serves), of the events it owns (those of the nouns it handles, and `publishes`), replies
//   (reply.*), and its own dead letters (dead.<system>.*). Not the default exchange: it reaches
//   every queue, so replies to these instances go through "cim" (config broker.routed_replies).

#include <string>
#include <vector>

#include "cimbus/bus/addressing.hpp"


namespace cimbus::bus {

struct TopologyOptions {
  std::string exchange = "cim";
  std::string vhost = "/";  // of the systems that name none
  long reply_queue_expiry_ms = 24L * 3600 * 1000;  // an instance that went away for good
  long temporary_queue_expiry_ms = 60000;
  // Users (and their passwords: none) in the definitions. Without them, the permissions are for
  // users that exist: importing users again would clear the passwords set since.
  bool users = true;
  // Quorum queues (replicated on every node of a cluster, decisions/0030) instead of classic ones:
  // a system's queues get its poison limit as their delivery limit, and dead-letter at least once.
  bool quorum = false;
};

// The messages of one noun, by verb literal (create, changed, ...).
struct Route {
  std::string noun;
  std::vector<std::string> verbs;
};

// What one system serves, subscribes to and sends (its instances share them).
struct SystemRoutes {
  std::string system;
  std::vector<Route> handles;     // requests, routed to <system>.requests
  std::vector<Route> subscribes;  // events, routed to <system>.events
  Naming naming;                  // its keys and queue names (addressing.hpp)
  std::string vhost;              // the virtual host its queues are in; empty: TopologyOptions::vhost
  std::vector<Route> requests;    // requests it sends
  std::vector<Route> publishes;   // events it sends of nouns it does not handle
  std::vector<std::string> instances;  // its processes, each with its reply queue
  std::string user;               // its broker user; empty: none, and no permissions
  int max_attempts = 5;           // its poison limit (config max_attempts): the quorum queues' delivery limit
  bool quorum_queues = false;     // its configuration asks for quorum queues (broker.quorum_queues)
};

// The RabbitMQ definitions (JSON) for these systems. Throws std::invalid_argument for a system
// without name, or a route with an unknown verb or one of the wrong kind (an event verb under
// "handles" or "requests", a request verb under "subscribes" or "publishes").
std::string rabbitmq_definitions(const std::vector<SystemRoutes>& systems, const TopologyOptions& options = {});

}  // namespace cimbus::bus
