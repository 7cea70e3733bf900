#pragma once
// The adapter runtime: what every CIS, OMS or WMS adapter process is built on. It owns the broker
// connection, the SQLite store (inbox, outbox, correlations and the system of record), the codec,
// and the delivery guarantees of DESIGN.md; an adapter only registers handlers.
//
//   Adapter adapter(AdapterOptions::load("deploy/oms.json"));
//   adapter.on("TroubleTickets", Verb::create, [&](Context& c) { ... });
//   adapter.on_event("MaintenanceOrders", Verb::closed, [&](Context& c) { ... });
//   adapter.start();
//   return adapter.run_until_signal();   // SIGTERM/SIGINT: drain, then stop
//
// For each delivery, on one worker thread:
//   1. decode and validate (strict/lenient); unreadable input gets a FaultMessage and a copy in
//      the system's dead-letter queue with the reason, invalid input a FAILED reply (1.8, 2.9...);
//   2. a redelivered message's attempt is recorded in the inbox in a transaction of its own, so that
//      a message that crashes the process is still counted; an AsyncReplyFlag request is
//      acknowledged here (OK, 0.3);
//   3. in one transaction: a first delivery's attempt is recorded; a MessageID already handled
//      (within options.config.inbox_retention_s) is answered with the stored reply and not
//      executed again; otherwise the handler runs in a savepoint and its reply, events and
//      requests go to the outbox; after max_attempts failed attempts the message is given up,
//      the requester gets FAILED and the message goes to the dead-letter queue with its reason;
//   4. the delivery is accepted only after that transaction commits;
//   5. the outbox is sent with a bounded number of unsettled sends; a row is removed when the
//      broker accepts it, and sent again after a failure or a restart.
// Deliveries are taken in batches (options.config.batch) so that one commit covers many.
//
// Threading: register handlers before start(). Handlers run on the worker thread, one at a time.
// publish(), request(), transaction(), stats() and stop() may be called from any thread, but not
// from a handler (a handler uses its Context instead).

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "cimbus/adapter/adapter_options.hpp"
#include "cimbus/adapter/context.hpp"
#include "cimbus/adapter/replies.hpp"
#include "cimbus/adapter/rejection.hpp"
#include "cimbus/schema_registry.hpp"

namespace cimbus::adapter {

struct AdapterStats {
  std::uint64_t handled = 0;      // messages whose handler committed (requests, events, replies)
  std::uint64_t failed = 0;       // answered FAILED or Fault: invalid input, Rejection, no handler
  std::uint64_t duplicates = 0;   // deliveries of a MessageID already handled, not executed again
  std::uint64_t retried = 0;      // deliveries released after a handler error, to be tried again
  std::uint64_t dead = 0;         // messages given up and put in the dead-letter queue
  std::uint64_t sent = 0;         // outbox rows the broker accepted
  std::uint64_t timed_out = 0;    // requests this adapter sent that got no reply in time (4.1)
  std::uint64_t late_replies = 0; // replies to nothing awaited (after a timeout, or unknown)
  int connections_opened = 0;     // 1 after the first connect; more after broker restarts
};

class Adapter {
 public:
  using Handler = std::function<void(Context&)>;

  explicit Adapter(AdapterOptions options, std::shared_ptr<SchemaRegistry> registry = SchemaRegistry::builtin());
  ~Adapter();  // stop()
  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;

  // Requests of (noun, verb) this adapter serves; the routes come from options.config.handles. A
  // request nobody registered is answered FAILED: 2.5 for an unknown noun, 2.9 for a verb.
  void on(const std::string& noun, Verb verb, Handler handler);
  // Events of (noun, past-tense verb) it subscribed to (options.config.subscribes).
  void on_event(const std::string& noun, Verb verb, Handler handler);
  // Replies to the requests it sent for `noun` (Context::request, request()); also called with a
  // 4.1 FAILED reply when a request's deadline passes first.
  void on_reply(const std::string& noun, Handler handler);

  // Called in start() once the store is open, before any delivery: creates or migrates the
  // tables of the system of record (the same SQLite file as the inbox and outbox).
  void prepare_store(std::function<void(sqlite3*)> prepare);

  // Opens the store, connects, and starts taking deliveries. Throws when the store cannot be
  // opened; a broker that is not there yet is retried with back-off.
  void start();
  // True once the connection is open and every queue is attached, within `timeout`.
  bool wait_ready(std::chrono::milliseconds timeout);

  // Publishes an event in a transaction of its own; returns its MessageID once committed.
  std::string publish(Envelope event);
  // Sends a request; the future gets its replies (or 4.1 when `deadline` passes first; 0 means
  // options.config.request_timeout_ms). on_reply handlers are called as well. The future fails
  // when the adapter stops first; the request's correlation entry outlives the process, and after
  // a restart its reply (or 4.1) reaches on_reply only.
  std::future<Replies> request(Envelope request, std::chrono::milliseconds deadline = std::chrono::milliseconds(0));
  // Runs `work` on the worker thread in a transaction of its own, e.g. a change in the system of
  // record that publishes events. `work` sees an empty message; its reply is ignored.
  std::future<void> transaction(Handler work);

  // Stops taking deliveries (those not started are released to the broker), finishes the batch
  // in hand, sends what is in the outbox for up to options.drain, and closes the connection.
  void stop();
  // Waits for SIGTERM or SIGINT, then stop(). Returns 0 (the exit status of a clean stop).
  int run_until_signal();

  AdapterStats stats() const;
  const AdapterOptions& options() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::adapter
