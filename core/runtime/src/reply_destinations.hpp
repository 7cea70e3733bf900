#pragma once
// Where the adapter may send a reply, an acknowledgement or a fault: a reply.* queue (each
// requester's own, or reached through the exchange by its name: BrokerProfile::routed_reply), a temporary queue (a JMS peer's temp-queue://, RabbitMQ's amq.gen-*), or a
// queue or topic that config reply_queues allows. A message's ReplyAddress
// or AMQP reply-to is only a wish: one aimed at another system's request queue, the cim exchange or
// the dead-letter exchange would let a foreign peer inject the adapter's reply as a request there.
// An http(s) ReplyAddress is a web-service callback: followed when a connector reaches it
// (web_callback.hpp), the URL then being the reply's target.
//
// Threading: immutable after construction.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cimbus/bus/addressing.hpp"

namespace cimbus::adapter::detail {

class ReplyDestinations {
 public:
  using ReachesWeb = std::function<bool(const std::string& url)>;  // empty: no connector calls URLs

  ReplyDestinations(bus::BrokerProfile profile, std::vector<std::string> allowed, ReachesWeb reaches_web = {});

  // The broker address to send to for `reply_to` (a queue name or an address; a queue always in
  // the profile's form for one that exists); nullopt when it is empty or replies may not go there
  // (then `why`, when given, says why).
  std::optional<std::string> address(std::string_view reply_to, std::string* why = nullptr) const;

 private:
  std::string canonical(const std::string& address) const;

  bus::BrokerProfile profile_;
  std::vector<std::string> allowed_;  // as broker addresses
  ReachesWeb reaches_web_;
};

}  // namespace cimbus::adapter::detail
