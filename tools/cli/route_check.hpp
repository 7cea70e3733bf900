#pragma once
// Whether a message the command sent through the exchange was routed nowhere (decisions/0020).
//
// RabbitMQ accepts a message that no binding routes, and the exchange's alternate exchange keeps
// it in cim.unrouted; the sender is told in one of two ways, whichever comes first:
//   - a running adapter takes it from cim.unrouted and answers FAILED 2.5 to its reply-to
//     (report()); or
//   - no adapter takes it: the command holds what waits in cim.unrouted without settling it (it
//     goes back to the queue when the command ends) and finds it there.
//
// Threading: report() runs on the command's bus thread, the hold receiver on its own bus's;
// routed_nowhere() on the command's thread.

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/amqp_message.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/codec/xml_codec.hpp"

namespace cimbus::cli {

class RouteCheck {
 public:
  // Holds what waits in the profile's unrouted queue, on a connection of its own (a broker without
  // that queue, whose topology was set up by hand, never keeps the command from sending); none
  // when the profile has no such queue.
  RouteCheck(const bus::ConnectionOptions& connection, const bus::BrokerProfile& profile);
  ~RouteCheck();  // gives back what it held

  // A message on the command's reply queue: true when it is an adapter's report that the message
  // it answers was routed nowhere.
  bool report(const bus::AmqpMessage& reply);
  // Why `message_id` was routed nowhere, when that is known within `wait`; nullopt otherwise.
  std::optional<std::string> routed_nowhere(const std::string& message_id, std::chrono::milliseconds wait);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::string> held_;                   // message-ids waiting in the unrouted queue
  std::map<std::string, std::string> reported_;  // by the message-id they answer: the reason
  std::string unrouted_;
  XmlCodec codec_;  // report()'s, on the bus's thread
  std::unique_ptr<bus::Bus> hold_;
};

}  // namespace cimbus::cli
