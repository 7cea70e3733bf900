#pragma once
// Where the adapter may send a reply, an acknowledgement or a fault: a reply.* queue (each
// requester's own), a temporary queue (a JMS peer's temp-queue://, RabbitMQ's amq.gen-*), or a
// queue or topic that config reply_queues allows. A message's ReplyAddress
// or AMQP reply-to is only a wish: one aimed at another system's request queue, the cim exchange or
// the dead-letter exchange would let a foreign peer inject the adapter's reply as a request there.
//
// Threading: immutable after construction.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cimbus/bus/addressing.hpp"

namespace cimbus::adapter::detail {

class ReplyDestinations {
 public:
  ReplyDestinations(bus::BrokerProfile profile, std::vector<std::string> allowed);

  // The broker address to send to for `reply_to` (a queue name or an address; a queue always in
  // the profile's form for one that exists); nullopt when it is empty or replies may not go there
  // (then `why`, when given, says why).
  std::optional<std::string> address(std::string_view reply_to, std::string* why = nullptr) const;

 private:
  std::string canonical(const std::string& address) const;

  bus::BrokerProfile profile_;
  std::vector<std::string> allowed_;  // as broker addresses
};

}  // namespace cimbus::adapter::detail
