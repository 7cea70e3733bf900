#include "cimbus/runtime/adapter.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <set>
#include <mutex>
#include <thread>

#include "cimbus/bus/bus.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/runtime/stop_signals.hpp"
#include "cimbus/store/savepoint.hpp"
#include "cimbus/store/store.hpp"
#include "cimbus/store/store_location.hpp"
#include "cimbus/sync/mutex.hpp"
#include "call_threads.hpp"
#include "delivery_pipeline.hpp"
#include "handler_table.hpp"
#include "inbox_retention.hpp"
#include "journal_writer.hpp"
#include "outbox_pump.hpp"
#include "request_tracker.hpp"
#include "runtime_log.hpp"
#include "system_results.hpp"
#include "web_callback_sender.hpp"

namespace cimbus::adapter {

using namespace detail;
using Clock = std::chrono::steady_clock;

namespace {
// The log's key prefix of a failed connection attempt: each cause once until the next connect.
const std::string kConnectionFailure = "broker connection failed: ";
}  // namespace

class Adapter::Impl {
 public:
  Impl(AdapterOptions options, std::shared_ptr<SchemaRegistry> registry)
      : options_(std::move(options)),
        log_(options_.config.instance(), options_.config.system()),
        codec_(CodecOptions{options_.policy, {}}, std::move(registry)),
        bus_(options_.connection, bus_options()) {
    reply_options_.source = options_.config.system();
    reply_options_.context = options_.config.context();
  }

  ~Impl() { stop(); }

  // --- registration (before start) ------------------------------------------------------------

  void on(Queue queue, const std::string& noun, std::optional<Verb> verb, Handler handler) {
    before_start("handlers are registered");
    handlers_.add(queue, noun, verb, std::move(handler));
  }

  void forward(const std::string& noun, Verb verb, SystemCall call) {
    before_start("forwarded messages are registered");
    handlers_.add_forwarded(noun, verb, std::move(call));
  }

  void answer_web_callbacks(WebCallback callback) {
    before_start("web-service callbacks are registered");
    if (!callback.reaches || !callback.call) throw std::invalid_argument("answer_web_callbacks: reaches and call are both needed");
    web_callback_ = std::move(callback);
  }

  void every(std::chrono::milliseconds period, Handler work) {
    before_start("periodic work is registered");
    if (period.count() <= 0) throw std::invalid_argument("every: the period must be positive");
    periodic_.push_back({period, std::move(work), {}});
  }

  void prepare_store(std::function<void(store::Transaction&)> prepare) {
    before_start("prepare_store() comes");
    prepare_store_.push_back(std::move(prepare));
  }

  // --- lifecycle ------------------------------------------------------------------------------

  void start() {
    if (started_) return;
    for (const std::string& warning : bus::security_warnings(options_.connection)) log_.log().warn(warning);
    store_ = std::make_unique<store::Store>(options_.config.store(), options_.config.instance());
    log_.log().info(std::string("store: ") + (store::names_postgresql(options_.config.store()) ? "PostgreSQL database " : "SQLite file ") +
                    options_.config.store());
    if (!prepare_store_.empty()) {
      store::Transaction tx = store_->begin();
      for (auto& prepare : prepare_store_) prepare(tx);
      tx.commit();
    }
    bus::Sender* sender = &bus_;
    if (web_callback_) {
      const config::WebServices& ws = options_.config.web_services();
      web_sender_ = std::make_unique<WebCallbackSender>(
          bus_, *web_callback_, WebCallbackSender::Options{ws.callback_attempts(), std::chrono::milliseconds(ws.callback_retry_ms())}, log_);
      sender = web_sender_.get();
    }
    outbox_ = std::make_unique<OutboxPump>(*store_, *sender, log_, [this](OutboxPump::Outcome o) {
      {
        sync::Lock lock(mutex_);
        send_outcomes_.push_back(o);
      }
      changed_.notify_all();
    }, options_.profile.dead_letter_address(options_.naming.queues_of(options_.config.system())));
    journal_ = std::make_unique<JournalWriter>(options_, *store_);
    outbox_->keep_journal(journal_.get());
    requests_ = std::make_unique<RequestTracker>(*store_, &log_.metrics());
    retention_ = std::make_unique<InboxRetention>(*store_, std::chrono::seconds(options_.config.inbox_retention_s()),
                                                  std::chrono::seconds(options_.config.replay_detection().nonce_memory_s()),
                                                  std::chrono::seconds(options_.config.journal().retention_s()));
    retention_->run();  // a pass before the first delivery: what expired while stopped is forgotten
    results_ = std::make_unique<SystemResults>(options_, codec_, *store_, *outbox_, log_);
    pipeline_ = std::make_unique<DeliveryPipeline>(options_, codec_, *store_, *outbox_, *requests_, *results_, handlers_, reply_options_, log_, *journal_,
                                                   web_callback_ ? web_callback_->reaches : ReplyDestinations::ReachesWeb());
    const auto now = Clock::now();
    for (Periodic& p : periodic_) p.next = now + p.period;
    started_ = true;

    const std::string system = options_.naming.queues_of(options_.config.system());
    bus::ReceiveOptions receive;
    receive.credit = options_.config.credit();
    if (options_.config.handles_size() > 0) listen(Queue::requests, options_.profile.consume_address(system + ".requests"), receive);
    if (options_.config.subscribes_size() > 0) listen(Queue::events, options_.profile.consume_address(system + ".events"), receive);
    bus::ReceiveOptions own = receive;
    own.durable = true;  // the reply queue, and what waits in it, outlive a broker restart
    const std::string reply_queue = bus::reply_queue(options_.config.instance());
    listen(Queue::replies,
           options_.config.broker().quorum_queues() ? options_.profile.consume_address(reply_queue) : options_.profile.own_queue_address(reply_queue),
           own);
    // What routes nowhere is reported by whichever adapter takes it (decisions/0020).
    if (const std::string unrouted = options_.profile.unrouted_address(); !unrouted.empty()) listen(Queue::unrouted, unrouted, receive);

    // The runtime's threads leave SIGTERM/SIGINT to the process's StopSignals.
    const sigset_t block = StopSignals::signal_set();
    sigset_t previous;
    pthread_sigmask(SIG_BLOCK, &block, &previous);
    bus_.start();
    if (!handlers_.forwarded.empty())
      calls_ = std::make_unique<CallThreads>(options_.config.connector().max_calls(), [this](CallOutcome outcome) {
        {
          sync::Lock lock(mutex_);
          call_outcomes_.push_back(std::move(outcome));
        }
        changed_.notify_all();
      });
    worker_ = std::thread([this] { work(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  }

  bool wait_ready(std::chrono::milliseconds timeout) { return !store_failed() && bus_.wait_ready(timeout); }

  void stop() {
    {
      sync::Lock lock(mutex_);
      if (!worker_.joinable()) return;
      stopping_ = true;
      drain_until_ = Clock::now() + options_.drain;
    }
    changed_.notify_all();
    worker_.join();
    // RabbitMQ 3.10 may drop dispositions sent just before a close (decisions/0006): let the last
    // ones reach it. What it drops anyway comes back and is answered from the inbox.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    bus_.stop(std::chrono::seconds(1));
    web_sender_.reset();  // callbacks not made stay in the outbox; calls running finish
    requests_->fail_all("the adapter stopped before the reply came");
    calls_.reset();  // waits for calls still running; their deliveries went back with the connection
    pipeline_.reset();
    results_.reset();
    retention_.reset();
    requests_.reset();
    outbox_.reset();
    if (store_ && !store_failed()) store_->checkpoint();  // the .sqlite file alone is a complete copy
    store_.reset();
  }

  int run_until_signal(const std::function<void()>& before_stop) {
    StopSignals signals;
    {
      sync::Lock lock(mutex_);
      awaiting_signal_ = true;
      if (store_gave_up_) ::kill(::getpid(), SIGTERM);  // it failed for good before: stop at once
    }
    const int received = signals.wait();
    log_.log().info("signal " + std::to_string(received) + ": draining and stopping");
    if (before_stop) before_stop();
    stop();
    if (store_gave_up()) return kStoreFailedStatus;
    log_.log().info("stopped");
    return 0;
  }

  bool store_failed() const {
    sync::Lock lock(mutex_);
    return store_failed_;
  }

  bool store_gave_up() const {
    sync::Lock lock(mutex_);
    return store_gave_up_;
  }

  // --- calls from other threads: one path, a job in a transaction of its own --------------------

  std::string publish(Envelope event) {
    auto id = std::make_shared<std::string>();
    in_transaction([id, event = std::move(event)](Context& c) mutable { *id = c.publish(std::move(event)); }).get();
    return *id;
  }

  std::future<Replies> request(Envelope request, std::chrono::milliseconds deadline) {
    auto handed = std::make_shared<std::promise<Replies>>();
    std::future<Replies> result = handed->get_future();
    auto id = std::make_shared<std::string>();
    in_transaction([id, deadline, request = std::move(request)](Context& c) mutable { *id = c.request(std::move(request), deadline); },
                   [this, id, handed] { requests_->await(*id, std::move(*handed)); },
                   [handed](std::exception_ptr e) { handed->set_exception(e); });
    return result;
  }

  std::future<void> transaction(Handler work) { return in_transaction(std::move(work)); }

  Diagnostics take_result(Envelope result) {
    auto refused = std::make_shared<Diagnostics>();
    in_transaction([this, refused, result = std::move(result)](Context& c) { *refused = results_->take(c.tx(), result); }).get();
    return *refused;
  }

  std::string metrics_text() const {
    Metrics::Gauges gauges;
    {
      sync::Lock lock(mutex_);
      gauges = gauges_;
    }
    gauges.reconnects = std::max(0, bus_.connections_opened() - 1);
    return log_.metrics().text(gauges);
  }

  Readiness readiness() const {
    Readiness r;
    Metrics::Gauges gauges;
    std::string broker_trouble;
    bool store_failed;
    {
      sync::Lock lock(mutex_);
      gauges = gauges_;
      broker_trouble = broker_trouble_;
      store_failed = store_failed_;
    }
    const bool attached = bus_.ready();
    r.checks.push_back({"broker", attached,
                        attached ? "connected; every queue attached"
                                 : broker_trouble.empty() ? "not connected, or a queue not attached yet" : broker_trouble});
    r.checks.push_back({"store", !store_failed, store_failed ? "the store fails; deliveries paused (see the log)" : "takes writes"});
    const config::Endpoint& limits = options_.config.endpoint();
    const bool rows_ok = gauges.outbox_depth < limits.ready_outbox_rows();
    const bool age_ok = gauges.outbox_oldest_age_s < limits.ready_outbox_age_s();
    r.checks.push_back({"outbox", rows_ok && age_ok,
                        std::to_string(gauges.outbox_depth) + " messages waiting (limit " + std::to_string(limits.ready_outbox_rows()) +
                            "), the oldest " + std::to_string(static_cast<std::int64_t>(gauges.outbox_oldest_age_s)) + " s old (limit " +
                            std::to_string(limits.ready_outbox_age_s()) + " s)"});
    return r;
  }

  AdapterStats stats() const {
    AdapterStats s = log_.stats();
    s.connections_opened = bus_.connections_opened();
    return s;
  }

  const AdapterOptions& options() const { return options_; }
  const Log& log() const { return log_.log(); }

 private:
  struct Periodic {
    std::chrono::milliseconds period;
    Handler work;
    Clock::time_point next;
  };

  void before_start(const char* what) const {
    if (started_) throw std::logic_error(std::string(what) + " before start()");
  }

  // Broker errors are logged once each, not at every retry.
  bus::BusOptions bus_options() {
    bus::BusOptions o;
    o.on_error = [this](const std::string& error) {
      {
        sync::Lock lock(mutex_);
        broker_trouble_ = error;
      }
      log_.warn_once("broker: " + error);
    };
    o.on_connection = [this](const bus::ConnectionEvent& e) { connection_changed(e); };
    o.checked_queue_prefix = options_.profile.checked_queue_prefix;
    if (const int ms = options_.config.broker().give_up_refused_ms(); ms > 0) o.give_up_refused_after = std::chrono::milliseconds(ms);
    return o;
  }

  // The broker connection, said the moment it changes (the Bus's I/O thread): each connect and
  // loss; a failed attempt once per distinct cause until the next connect (they repeat at every
  // retry), and kept for /health/ready and for why the adapter did not get ready.
  void connection_changed(const bus::ConnectionEvent& e) {
    const std::string line = bus::describe(e);
    std::string user = options_.connection.user.empty() ? std::string() : " as " + options_.connection.user;
    switch (e.kind) {
      case bus::ConnectionEvent::Kind::connected: {
        {
          sync::Lock lock(mutex_);
          broker_trouble_.clear();
        }
        log_.forget(kConnectionFailure);
        log_.log().info(line + user);
        return;
      }
      case bus::ConnectionEvent::Kind::lost:
        {
          sync::Lock lock(mutex_);
          broker_trouble_ = line;
        }
        log_.log().warn(line);
        return;
      default: {
        {
          sync::Lock lock(mutex_);
          broker_trouble_ = line;
        }
        if (log_.first_time(kConnectionFailure + line)) log_.log().error(line + "; trying again");
        return;
      }
    }
  }

  void listen(Queue queue, const std::string& source, bus::ReceiveOptions receive) {
    bus_.receive_deferred(source, [this, queue](bus::AmqpMessage m, bus::DeliveryId id) {
      {
        sync::Lock lock(mutex_);
        deliveries_.push_back({queue, std::move(m), id});
      }
      changed_.notify_all();
    }, receive);
  }

  // Work from another thread (publish, request, transaction): `committed` runs after the commit,
  // on the worker; `failed` gets what `work` or the commit threw. The future is ready after both.
  struct Job {
    Handler work;
    std::function<void()> committed;
    std::function<void(std::exception_ptr)> failed;
    std::shared_ptr<std::promise<void>> done;
  };

  std::future<void> in_transaction(Handler work, std::function<void()> committed = {},
                                   std::function<void(std::exception_ptr)> failed = {}) {
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> result = done->get_future();
    {
      sync::Lock lock(mutex_);
      if (!worker_.joinable() || stopping_) throw std::logic_error("the adapter is not running");
      jobs_.push_back({std::move(work), std::move(committed), std::move(failed), done});
    }
    changed_.notify_all();
    return result;
  }

  // Worker thread: the jobs queued since the last turn in one transaction, each in a savepoint of
  // its own, so that many callers at once (web-service calls, the JSON API) share one commit and
  // its fsync (decisions/0014); a job that throws leaves nothing and fails alone.
  void run_jobs(std::deque<Job>& jobs) {
    if (jobs.empty()) return;
    std::vector<std::exception_ptr> errors(jobs.size());
    const std::size_t first_mark = outbox_->mark();
    try {
      store::Transaction tx = store_->begin();
      for (std::size_t i = 0; i < jobs.size(); ++i) {
        const std::size_t mark = outbox_->mark();
        try {
          store::Savepoint savepoint(tx);
          run_in(tx, jobs[i].work);
          savepoint.release();
        } catch (...) {
          outbox_->forget_since(mark);
          errors[i] = std::current_exception();
        }
      }
      tx.commit();
    } catch (...) {
      outbox_->forget_since(first_mark);
      for (auto& e : errors)
        if (!e) e = std::current_exception();
    }
    for (std::size_t i = 0; i < jobs.size(); ++i)
      if (!errors[i] && jobs[i].committed) jobs[i].committed();
    requests_->after_commit();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (!errors[i]) {
        jobs[i].done->set_value();
        continue;
      }
      if (jobs[i].failed) jobs[i].failed(errors[i]);
      jobs[i].done->set_exception(errors[i]);
    }
  }

  // Worker thread: `work` with an empty message in `tx`, and its outgoing messages.
  void run_in(store::Transaction& tx, const Handler& work) {
    Envelope none;
    Context c(none, tx, {});
    work(c);
    pipeline_->send_outgoing(tx, c);
  }

  // --- the worker -------------------------------------------------------------------------------

  // The worker: serves until stopped; a store failure pauses it until the store works again
  // (recover_store), or ends the process's service when it does not.
  void work() {
    for (;;) {
      try {
        serve();
        return;
      } catch (const std::exception& e) {
        if (!recover_store(e.what())) return;
      }
    }
  }

  void serve() {
    for (;;) {
      std::vector<Delivery> batch;
      std::vector<OutboxPump::Outcome> outcomes;
      std::vector<CallOutcome> call_outcomes;
      std::deque<Job> jobs;
      bool stopping;
      Clock::time_point drain_until;
      {
        sync::Lock lock(mutex_);
        // Once stopping is noticed, only outcomes (or the drain deadline) wake the worker.
        lock.wait_until(changed_, wake_time(), [this]() CIMBUS_REQUIRES(mutex_) {
          return !deliveries_.empty() || !send_outcomes_.empty() || !call_outcomes_.empty() || !jobs_.empty() ||
                 (stopping_ && !stop_noticed_);
        });
        const std::size_t n = std::min(deliveries_.size(), static_cast<std::size_t>(options_.config.batch()));
        for (std::size_t i = 0; i < n; ++i) batch.push_back(std::move(deliveries_[i]));
        deliveries_.erase(deliveries_.begin(), deliveries_.begin() + static_cast<long>(n));
        outcomes.swap(send_outcomes_);
        call_outcomes.swap(call_outcomes_);
        jobs.swap(jobs_);
        stopping = stopping_;
        stop_noticed_ = stopping_;
        drain_until = drain_until_;
      }
      outbox_->take_outcomes(outcomes);
      if (stopping) {
        release(batch);  // for another instance, or later
        batch.clear();
        if (calls_) calls_->stop();  // calls not started go back to the broker too
      }
      if (!call_outcomes.empty()) bus_.settle(pipeline_->complete(std::move(call_outcomes)));
      if (!batch.empty()) {
        bus_.settle(pipeline_->handle(std::move(batch)));
        failing_since_.reset();  // a batch committed: the store works
        for (ForwardedCall& call : pipeline_->take_forwarded()) calls_->submit(std::move(call));
      } else if (outbox_->has_accepted_rows()) {
        outbox_->remove_accepted();
      }
      run_jobs(jobs);
      if (!stopping) run_periodic_work();
      pipeline_->expire_requests();
      if (!stopping) pipeline_->release_overdue();
      results_->expire();
      retention_->run();
      outbox_->send();
      refresh_gauges();
      const bool drained = outbox_->settled() && store_->outbox().size() == 0 && pipeline_->forwarded_in_flight() == 0;
      if (stopping && (drained || Clock::now() >= drain_until)) {
        if (outbox_->has_accepted_rows()) outbox_->remove_accepted();
        if (const std::size_t left = store_->outbox().size(); left > 0)
          log_.log().warn(std::to_string(left) + " messages stay in the outbox; they are sent at the next start");
        break;
      }
    }
  }

  // The store failed (a full disk, an I/O error, a damaged page). No zombie that stays connected
  // and answers nothing: the adapter takes no more deliveries, gives back what it holds, reports
  // not ready, logs the cause once and tries the store again with back-off. When the store works
  // again it goes on by itself; when it still fails after store_retry_s, the process stops with
  // kStoreFailedStatus so that its supervisor starts it again. True: serve again.
  bool recover_store(const std::string& cause) {
    const auto limit = std::chrono::seconds(options_.config.store_retry_s() > 0 ? options_.config.store_retry_s() : 300);
    if (!failing_since_) {
      failing_since_ = Clock::now();
      log_.log().error("the store failed: " + cause + "; taking no deliveries and trying the store again for up to " +
                       std::to_string(limit.count()) + " s (then exit status " + std::to_string(kStoreFailedStatus) + ")");
    }
    bus_.pause_receiving();
    set_store_failed(true);
    outbox_->reset();
    auto give_back = [this] {
      std::vector<Delivery> held;
      {
        sync::Lock lock(mutex_);
        held.assign(deliveries_.begin(), deliveries_.end());
        deliveries_.clear();
      }
      release(held);
      bus_.settle(pipeline_->take_owed());  // what the failed transaction held
    };
    give_back();
    for (auto pause = std::chrono::seconds(1);; pause = std::min(pause * 2, std::chrono::seconds(10))) {
      {
        sync::Lock lock(mutex_);
        if (lock.wait_for(changed_, pause, [this]() CIMBUS_REQUIRES(mutex_) { return stopping_; })) return false;
      }
      give_back();  // what the credit granted before the pause brought meanwhile
      try {
        store_->check_writable();
        log_.log().info("the store works again after " +
                        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - *failing_since_).count()) +
                        " s; taking deliveries again");
        set_store_failed(false);
        bus_.resume_receiving();
        return true;
      } catch (const std::exception& e) {
        if (Clock::now() - *failing_since_ < limit) continue;
        log_.log().error("the store still fails after " + std::to_string(limit.count()) + " s (" + e.what() + "); stopping with exit status " +
                         std::to_string(kStoreFailedStatus) + " so that the adapter is started again");
        sync::Lock lock(mutex_);
        store_gave_up_ = true;
        // run_until_signal() stops the process; a program that embeds the adapter otherwise sees
        // wait_ready() false and stop() after it.
        if (awaiting_signal_) ::kill(::getpid(), SIGTERM);
        return false;
      }
    }
  }

  // Worker thread: what /metrics and /health/ready read from the store, each second (the inbox's
  // size every tenth time: counting it reads its index).
  void refresh_gauges() {
    const auto now = Clock::now();
    if (now < next_gauges_) return;
    next_gauges_ = now + std::chrono::seconds(1);
    const store::Outbox::Backlog backlog = store_->outbox().backlog();
    std::optional<std::int64_t> inbox;
    if (gauges_round_++ % 10 == 0) inbox = static_cast<std::int64_t>(store_->inbox().size());
    sync::Lock lock(mutex_);
    gauges_.outbox_depth = static_cast<std::int64_t>(backlog.rows);
    gauges_.outbox_oldest_age_s = backlog.oldest_ms ? std::max<double>(0, static_cast<double>(epoch_ms() - *backlog.oldest_ms) / 1000.0) : 0;
    if (inbox) gauges_.inbox_entries = *inbox;
  }

  void set_store_failed(bool failed) {
    sync::Lock lock(mutex_);
    store_failed_ = failed;
  }

  void run_periodic_work() {
    const auto now = Clock::now();
    for (Periodic& p : periodic_) {
      if (now < p.next) continue;
      p.next = now + p.period;
      // What it queued to send is rolled back with it: never sent (SQLite gives its row ids to
      // the next rows, which would then be taken for these).
      const std::size_t mark = outbox_->mark();
      store::Transaction tx = store_->begin();
      try {
        run_in(tx, p.work);
      } catch (const std::exception& e) {
        outbox_->forget_since(mark);
        log_.warn_once(std::string("periodic work failed (tried again): ") + e.what());
        continue;
      }
      try {
        tx.commit();
      } catch (...) {
        outbox_->forget_since(mark);
        throw;  // the store fails: recover_store()
      }
      requests_->after_commit();
    }
  }

  Clock::time_point wake_time() const {
    auto wake = Clock::now() + std::chrono::milliseconds(stop_noticed_ ? 100 : 1000);  // resends, the stop deadline
    if (auto deadline = requests_->next_deadline())
      wake = std::min(wake, Clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(0, *deadline - epoch_ms())));
    if (!stop_noticed_)
      for (const Periodic& p : periodic_) wake = std::min(wake, p.next);
    return wake;
  }

  void release(const std::vector<Delivery>& deliveries) {
    std::vector<std::pair<bus::DeliveryId, bus::Outcome>> outcomes;
    for (const Delivery& d : deliveries) outcomes.emplace_back(d.id, bus::Outcome::released);
    bus_.settle(std::move(outcomes));
  }

  AdapterOptions options_;
  RuntimeLog log_;
  ReplyOptions reply_options_;
  XmlCodec codec_;  // the worker thread's
  HandlerTable handlers_;
  std::vector<Periodic> periodic_;
  std::vector<std::function<void(store::Transaction&)>> prepare_store_;
  bool started_ = false;

  // The worker thread's own (made in start()).
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<JournalWriter> journal_;
  std::unique_ptr<OutboxPump> outbox_;
  std::unique_ptr<RequestTracker> requests_;
  std::unique_ptr<InboxRetention> retention_;
  std::unique_ptr<SystemResults> results_;
  std::unique_ptr<DeliveryPipeline> pipeline_;
  std::unique_ptr<CallThreads> calls_;  // when some message is forwarded
  bool stop_noticed_ = false;
  std::optional<Clock::time_point> failing_since_;     // the store has failed since, with no batch committed

  bus::Bus bus_;
  std::optional<WebCallback> web_callback_;
  std::unique_ptr<WebCallbackSender> web_sender_;  // the outbox's sender when web_callback_ is set

  // Shared with the bus thread and callers.
  mutable sync::Mutex mutex_;
  std::condition_variable changed_;
  std::deque<Delivery> deliveries_ CIMBUS_GUARDED_BY(mutex_);
  std::vector<OutboxPump::Outcome> send_outcomes_ CIMBUS_GUARDED_BY(mutex_);
  std::vector<CallOutcome> call_outcomes_ CIMBUS_GUARDED_BY(mutex_);
  std::deque<Job> jobs_ CIMBUS_GUARDED_BY(mutex_);
  bool stopping_ CIMBUS_GUARDED_BY(mutex_) = false;
  bool store_failed_ CIMBUS_GUARDED_BY(mutex_) = false;   // the store fails: not ready, no deliveries taken
  Metrics::Gauges gauges_ CIMBUS_GUARDED_BY(mutex_);       // refresh_gauges()
  std::string broker_trouble_ CIMBUS_GUARDED_BY(mutex_);   // the broker's last error, until connected again
  Clock::time_point next_gauges_;                         // the worker's
  std::uint64_t gauges_round_ = 0;                        // the worker's
  bool store_gave_up_ CIMBUS_GUARDED_BY(mutex_) = false;  // it failed for longer than store_retry_s: the worker ended
  bool awaiting_signal_ CIMBUS_GUARDED_BY(mutex_) = false;  // run_until_signal() waits for SIGTERM
  Clock::time_point drain_until_ CIMBUS_GUARDED_BY(mutex_);
  std::thread worker_;
};

Adapter::Adapter(AdapterOptions options, std::shared_ptr<SchemaRegistry> registry)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(registry))) {}

Adapter::~Adapter() = default;

void Adapter::on(const std::string& noun, Verb verb, Handler handler) { impl_->on(Queue::requests, noun, verb, std::move(handler)); }

void Adapter::on_event(const std::string& noun, Verb verb, Handler handler) { impl_->on(Queue::events, noun, verb, std::move(handler)); }

void Adapter::on_reply(const std::string& noun, Handler handler) { impl_->on(Queue::replies, noun, std::nullopt, std::move(handler)); }

void Adapter::forward(const std::string& noun, Verb verb, SystemCall call) { impl_->forward(noun, verb, std::move(call)); }
void Adapter::answer_web_callbacks(WebCallback callback) { impl_->answer_web_callbacks(std::move(callback)); }

void Adapter::every(std::chrono::milliseconds period, Handler work) { impl_->every(period, std::move(work)); }

void Adapter::prepare_store(std::function<void(store::Transaction&)> prepare) { impl_->prepare_store(std::move(prepare)); }

void Adapter::start() { impl_->start(); }

bool Adapter::wait_ready(std::chrono::milliseconds timeout) { return impl_->wait_ready(timeout); }
std::string Adapter::metrics_text() const { return impl_->metrics_text(); }
Readiness Adapter::readiness() const { return impl_->readiness(); }

std::string Adapter::publish(Envelope event) { return impl_->publish(std::move(event)); }

std::future<Replies> Adapter::request(Envelope request, std::chrono::milliseconds deadline) {
  return impl_->request(std::move(request), deadline);
}

std::future<void> Adapter::transaction(Handler work) { return impl_->transaction(std::move(work)); }

Diagnostics Adapter::take_result(Envelope result) { return impl_->take_result(std::move(result)); }

void Adapter::stop() { impl_->stop(); }

int Adapter::run_until_signal(const std::function<void()>& before_stop) { return impl_->run_until_signal(before_stop); }

AdapterStats Adapter::stats() const { return impl_->stats(); }

const AdapterOptions& Adapter::options() const { return impl_->options(); }

const Log& Adapter::log() const { return impl_->log(); }

}  // namespace cimbus::adapter
