#pragma once
// One AMQP 1.0 connection to a broker, on Qpid Proton C++, with at-least-once delivery both ways.
//
//   Bus bus(options);
//   bus.receive("/amq/queue/oms.requests", [](const AmqpMessage& m) { ...; return Outcome::accepted; });
//   bus.start();
//   Outcome o = bus.send("/exchange/cim/req.TroubleTickets.create", message).get();
//   bus.stop();
//
// Receiving: a handler decides each delivery's outcome; the delivery is settled only after the
// handler returns, so work committed inside it is never lost and work not committed is
// redelivered. Sending: the broker's outcome arrives through the future. At most
// `max_unsettled` sends are in flight; more wait in memory. A send whose outcome is unknown when
// the connection drops is sent again after reconnecting (receivers de-duplicate by message-id).
//
// Refused links: RabbitMQ 3.10 refuses a link by ending its session (a queue that does not exist,
// one this user may not read, a routing key its topic permissions do not allow). So each receiver
// and each queue target (BusOptions::checked_queue_prefix) has a session of its own; the other
// targets (the exchange: requests and events) share one, so that what is published keeps its
// order across routing keys. When the broker ends that shared session, the target it refused is
// found (the oldest send in flight there) and moves to a session of its own; the others are sent
// again. A refused target is reported once through on_error, tried again with back-off, and
// given up (Outcome::refused, with refusal_of() saying why) after give_up_refused_after. A
// refused receiver is reported once and attached again with back-off, for as long as the Bus runs.
//
// Reconnection: after a connection loss the Bus reconnects with back-off (ConnectionOptions),
// trying the URLs in turn, and re-attaches every receiver; it never gives up by default.
//
// Deferred settlement: a DeferredHandler gets the delivery and its DeliveryId; settle() gives the
// outcomes later, from any thread (e.g. after a worker's transaction commits), many at once. Its
// receiver holds at most `credit` unsettled deliveries; a delivery whose connection is lost
// before it is settled is redelivered by the broker, and settling it then does nothing.
//
// Threading: all Bus methods are thread-safe. Handlers and send callbacks run on the Bus's own
// I/O thread, one at a time, and must not block on a send's future (they may call send()).

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cimbus/bus/amqp_message.hpp"
#include "cimbus/bus/connection_event.hpp"
#include "cimbus/bus/connection_options.hpp"
#include "cimbus/bus/outcome.hpp"
#include "cimbus/bus/sender.hpp"

namespace cimbus::bus {

struct ReceiveOptions {
  int credit = 50;  // deliveries the broker may push ahead of the handler
  // Attach with a durable source, for a queue this receiver declares itself (a reply queue,
  // BrokerProfile::own_queue_address): the queue and its messages then survive a broker restart.
  bool durable = false;
};

struct BusOptions {
  std::size_t max_unsettled = 256;  // sends awaiting the broker's outcome
  // A target whose links the broker refuses is tried again with back-off (1 s doubling to 30 s)
  // for this long; then its waiting sends end Outcome::refused. Zero: at the first refusal.
  std::chrono::milliseconds give_up_refused_after{std::chrono::minutes(2)};
  // Targets with this prefix are queues that must exist: before the first send on a connection,
  // the Bus attaches a receiver without credit to the same address, in a session of its own, and
  // a refusal (RabbitMQ: amqp:not-found) refuses the target. RabbitMQ takes and drops what is sent
  // to /amq/queue/<a queue that does not exist> (BrokerProfile::checked_queue_prefix).
  std::string checked_queue_prefix;
  // Told (on the I/O thread) when the broker refuses a link or closes the connection with an
  // error, e.g. a queue that does not exist; the Bus retries by itself.
  std::function<void(const std::string&)> on_error;
  // Told (on the I/O thread) when the connection opens, is lost, or an attempt fails, at once
  // (connection_event.hpp); the Bus reconnects by itself.
  std::function<void(const ConnectionEvent&)> on_connection;
};

// A delivery received by a DeferredHandler, to be settled with Bus::settle().
using DeliveryId = std::uint64_t;

class Bus : public Sender {
 public:
  using Handler = std::function<Outcome(const AmqpMessage&)>;
  using DeferredHandler = std::function<void(AmqpMessage, DeliveryId)>;
  using SendCallback = bus::SendCallback;
  using Send = bus::Send;

  explicit Bus(ConnectionOptions connection, BusOptions options = {});
  ~Bus() override;  // stop()
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  // Registers a receiver; before or after start(). Source addresses are broker-specific
  // (addressing.hpp); one receiver per source (std::invalid_argument for a second).
  void receive(const std::string& source, Handler handler, ReceiveOptions options = {});
  // The same, settled later with settle().
  void receive_deferred(const std::string& source, DeferredHandler handler, ReceiveOptions options = {});
  // Settles deferred deliveries (one hand-over to the I/O thread for all of them).
  void settle(std::vector<std::pair<DeliveryId, Outcome>> outcomes);
  // Deferred receivers stop taking deliveries: settlements no longer give credit back, so at
  // most the credit already granted arrives (to be released). resume_receiving() gives the
  // withheld credit back. For a consumer that cannot work for a while (its store fails).
  void pause_receiving();
  void resume_receiving();

  // Connects; returns at once (the connection may still be opening).
  void start();

  // Waits until the connection is open, at most `timeout`. True when open.
  bool wait_connected(std::chrono::milliseconds timeout);
  // Waits until the connection is open and every registered receiver is attached (so that a
  // queue its receiver declares exists), at most `timeout`. True when ready.
  bool wait_ready(std::chrono::milliseconds timeout);
  // The same, now, without waiting.
  bool ready() const;

  // Queues `message` for `target` and returns the broker's outcome when it comes.
  std::future<Outcome> send(const std::string& target, AmqpMessage message);
  // The same, with the outcome passed to `done` on the I/O thread (or the stopping thread).
  void send(const std::string& target, AmqpMessage message, SendCallback done);
  // Several sends in order, with one hand-over to the I/O thread.
  void send(std::vector<Send> sends) override;
  std::string refusal_of(const std::string& target) const override;

  // Stops receiving, waits up to `drain` for sends in flight, closes the connection. Pending
  // sends whose outcome is unknown complete with Outcome::failed.
  void stop(std::chrono::milliseconds drain = std::chrono::seconds(5));

  // Times the connection has been opened (1 after the first open; more after reconnects).
  int connections_opened() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::bus
