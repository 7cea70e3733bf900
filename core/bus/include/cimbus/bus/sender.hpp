#pragma once
// What a producer needs of the bus: hand messages over in order and learn each one's outcome.
// Bus (bus.hpp) is the AMQP implementation; the runtime's outbox pump sends through this
// interface, so that it can be tested against an in-process sender as well.
//
// Threading: send() may be called from any thread; `done` is called on the sender's own thread.

#include <functional>
#include <string>
#include <vector>

#include "cimbus/bus/amqp_message.hpp"
#include "cimbus/bus/outcome.hpp"

namespace cimbus::bus {

using SendCallback = std::function<void(Outcome)>;

struct Send {
  std::string target;
  AmqpMessage message;
  SendCallback done;  // the broker's outcome; `failed` when it will never be known
};

class Sender {
 public:
  virtual ~Sender() = default;
  // Several sends in order, with one hand-over.
  virtual void send(std::vector<Send> sends) = 0;
  // Why sends to `target` ended Outcome::refused: the broker's last words about it.
  virtual std::string refusal_of(const std::string& target) const { return "refused by " + target; }
};

}  // namespace cimbus::bus
