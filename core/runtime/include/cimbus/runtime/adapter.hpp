#pragma once
// The adapter runtime: what every CIS, OMS or WMS adapter process is built on. It owns the broker
// connection, the store (inbox, outbox, correlations and the system of record), the codec,
// and the delivery guarantees of DESIGN.md; an adapter only registers handlers.
//
//   Adapter adapter(AdapterOptions::load("deploy/oms.json"));
//   adapter.on("TroubleTickets", Verb::create, [&](Context& c) { ... });
//   adapter.on_event("MaintenanceOrders", Verb::closed, [&](Context& c) { ... });
//   adapter.start();
//   return adapter.run_until_signal();   // SIGTERM/SIGINT: drain, then stop
//
// Inside, in parts (core/runtime/src, README there): the delivery pipeline (decode, inbox,
// handler, reply, give up, dead letter), the outbox pump, the request tracker (correlations,
// deadlines, futures), inbox retention, and this class, which owns them, the worker thread and
// the lifecycle. Deliveries are taken in batches (options.config.batch) so that one commit covers
// many; a delivery is settled only after the transaction with its effects commits.
//
// Threading: register handlers and periodic work before start(). Handlers and periodic work run
// on the worker thread, one at a time; forwarded calls (forward()) on the call threads, several
// at once.
// publish(), request(), transaction(), take_result(), stats() and stop() may be called from any thread, but not
// from a handler (a handler uses its Context instead).

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "cimbus/codec/diagnostic.hpp"
#include "cimbus/runtime/adapter_options.hpp"
#include "cimbus/runtime/adapter_stats.hpp"
#include "cimbus/runtime/readiness.hpp"
#include "cimbus/runtime/context.hpp"
#include "cimbus/runtime/log.hpp"
#include "cimbus/runtime/replies.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "cimbus/runtime/system_call.hpp"
#include "cimbus/runtime/web_callback.hpp"
#include "cimbus/codec/schema_registry.hpp"

namespace cimbus::adapter {

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

  // Requests or events of (noun, verb) answered by a system outside the process, through a
  // connector (system_call.hpp): the call runs on one of connector.max_calls call threads,
  // outside the store's transaction; its outcome is committed and the delivery settled after it.
  // A (noun, verb) has a handler or is forwarded, not both (std::invalid_argument).
  void forward(const std::string& noun, Verb verb, SystemCall call);

  // Replies to http(s) ReplyAddresses (web-service callbacks) are calls through `callback`
  // (web_callback.hpp), from the outbox; without it, such a message is refused with 7.7.
  void answer_web_callbacks(WebCallback callback);

  // Work the adapter does on its own schedule (a CIS taking new calls, a WMS moving crews): run on
  // the worker every `period`, each run in a transaction of its own as transaction() does; a
  // failing run is logged and the next one comes anyway.
  void every(std::chrono::milliseconds period, Handler work);

  // Called in start() once the store is open, before any delivery, in a transaction of its own:
  // creates or migrates the tables of the system of record (the same store as the inbox and
  // outbox, so that one transaction covers both).
  void prepare_store(std::function<void(store::Transaction&)> prepare);

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

  // The result a system sends later for a forwarded request it acknowledged with 0.3 (IEC
  // 61968-100 8.2; the Response and Reply<Noun> services, the JSON API's /results): matched by
  // its CorrelationID, it becomes the request's reply, sent where that reply goes. Returns, once
  // committed, why it was refused (2.15: no request awaits it; 1.5: no CorrelationID); empty
  // when taken.
  Diagnostics take_result(Envelope result);

  // Stops taking deliveries (those not started are released to the broker), finishes the batch
  // in hand, sends what is in the outbox for up to options.drain, and closes the connection.
  void stop();
  // Waits for SIGTERM or SIGINT (StopSignals), calls `before_stop` (e.g. to stop taking calls
  // from outside that would become messages), then stop(). Returns the exit status: 0 after a
  // clean stop; kStoreFailedStatus when the store failed (disk full, an I/O error, a damaged page):
  // the adapter then released what it held and stopped by itself, for its supervisor to start it
  // again.
  static constexpr int kStoreFailedStatus = 75;  // EX_TEMPFAIL
  int run_until_signal(const std::function<void()>& before_stop = {});

  AdapterStats stats() const;
  // What the operations endpoint serves (connectors/operations): the Prometheus exposition of the
  // adapter's metrics (runtime/src/metrics.hpp names them), and whether it is ready now. Any thread.
  std::string metrics_text() const;
  Readiness readiness() const;
  const AdapterOptions& options() const;
  // The instance's log (log.hpp), for what an adapter reports beside the runtime.
  const Log& log() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::adapter
