#include "cimbus/adapter/adapter.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cimbus/bus/bus.hpp"
#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/encode_error.hpp"
#include "cimbus/error_code.hpp"
#include "cimbus/reply_builder.hpp"
#include "cimbus/store/store.hpp"
#include "cimbus/timestamp.hpp"
#include "cimbus/uuid.hpp"
#include "cimbus/xml_codec.hpp"
#include "operation_set.hpp"
#include "paging.hpp"

namespace cimbus::adapter {

namespace {

using Clock = std::chrono::steady_clock;
using bus::AmqpMessage;
using bus::Outcome;

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Where a delivery came from: which of the adapter's queues.
enum class Queue { requests, events, replies };

const char* to_string(Queue q) {
  switch (q) {
    case Queue::requests: return "requests";
    case Queue::events: return "events";
    case Queue::replies: return "replies";
  }
  return "?";
}

Diagnostic error(std::string_view code, std::string reason, Level level = Level::fatal) {
  Diagnostic d;
  d.code = std::string(code);
  d.level = level;
  d.reason = std::move(reason);
  return d;
}

bool has_code(const Envelope& e, std::string_view code) {
  for (const auto& err : e.message().reply().error())
    if (err.code() == code) return true;
  return false;
}

// A reply that more replies follow: a page other than the last, or an asynchronous acknowledgement.
bool is_interim_reply(const Envelope& reply) {
  return has_code(reply, code::kPartialMoreFollows) || has_code(reply, code::kSimpleAcknowledgment);
}

using HandlerKey = std::pair<std::string, Verb>;

}  // namespace

class Adapter::Impl {
 public:
  Impl(AdapterOptions options, std::shared_ptr<SchemaRegistry> registry)
      : options_(std::move(options)),
        registry_(std::move(registry)),
        codec_(CodecOptions{options_.policy, {}}, registry_),
        bus_(options_.connection, bus_options()) {
    reply_options_.source = options_.config.system();
    operation_sets_.emplace(codec_, handlers_[Queue::requests], reply_options_);
    execute_ = [this](Context& c) { operation_sets_->execute(c); };
  }

  ~Impl() { stop(); }

  // --- registration (before start) ------------------------------------------------------------

  void on(Queue queue, const std::string& noun, std::optional<Verb> verb, Handler handler) {
    if (started_) throw std::logic_error("handlers are registered before start()");
    if (queue == Queue::requests && (is_event_verb(*verb) || *verb == msg::HeaderType_Verb::reply))
      throw std::invalid_argument("on: " + to_literal(*verb) + " is not a request verb (on_event for events)");
    if (queue == Queue::events && !is_event_verb(*verb))
      throw std::invalid_argument("on_event: " + to_literal(*verb) + " is not an event verb");
    if (queue == Queue::replies) reply_handlers_[noun] = std::move(handler);
    else handlers_[queue][{noun, *verb}] = std::move(handler);
  }

  void prepare_store(std::function<void(sqlite3*)> prepare) {
    if (started_) throw std::logic_error("prepare_store() comes before start()");
    prepare_store_.push_back(std::move(prepare));
  }

  // --- lifecycle ------------------------------------------------------------------------------

  void start() {
    if (started_) return;
    store_ = std::make_unique<store::Store>(options_.config.store(), options_.config.instance());
    for (auto& prepare : prepare_store_) prepare(store_->db());
    started_ = true;
    const std::string& system = options_.config.system();
    bus::ReceiveOptions receive;
    receive.credit = options_.config.credit();
    if (options_.config.handles_size() > 0) listen(Queue::requests, options_.profile.consume_address(system + ".requests"), receive);
    if (options_.config.subscribes_size() > 0) listen(Queue::events, options_.profile.consume_address(system + ".events"), receive);
    bus::ReceiveOptions own = receive;
    own.durable = true;  // the reply queue, and what waits in it, outlive a broker restart
    listen(Queue::replies, options_.profile.own_queue_address(bus::reply_queue(options_.config.instance())), own);

    // The runtime's threads do not take SIGTERM/SIGINT: run_until_signal() waits for them.
    sigset_t block, previous;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &previous);
    bus_.start();
    worker_ = std::thread([this] { work(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  }

  bool wait_ready(std::chrono::milliseconds timeout) { return bus_.wait_ready(timeout); }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!worker_.joinable()) return;
      stopping_ = true;
      drain_until_ = Clock::now() + options_.drain;
    }
    changed_.notify_all();
    worker_.join();
    // RabbitMQ 3.10 may drop dispositions sent just before a close (notes/brokers.md 4.3): let the
    // last ones reach it. What it drops anyway comes back and is answered from the inbox.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    bus_.stop(std::chrono::seconds(1));
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, waiting] : awaited_)
      waiting.promise.set_exception(std::make_exception_ptr(std::runtime_error("the adapter stopped before the reply came")));
    awaited_.clear();
    store_.reset();
  }

  int run_until_signal() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    int received = 0;
    sigwait(&signals, &received);
    log("signal " + std::to_string(received) + ": draining and stopping");
    stop();
    log("stopped");
    return 0;
  }

  // --- calls from other threads ---------------------------------------------------------------

  std::string publish(Envelope event) {
    auto done = std::make_shared<std::promise<std::string>>();
    auto result = done->get_future();
    submit([this, event = std::move(event), done]() mutable {
      try {
        store::Transaction tx = store_->begin();
        Envelope none;
        Context c(none, tx.db(), {});
        std::string id = c.publish(std::move(event));
        send_outgoing(tx, c);
        tx.commit();
        after_commit_of_requests();
        done->set_value(id);
      } catch (...) {
        done->set_exception(std::current_exception());
      }
    });
    return result.get();
  }

  std::future<Replies> request(Envelope request, std::chrono::milliseconds deadline) {
    auto handed = std::make_shared<std::promise<Replies>>();
    std::future<Replies> result = handed->get_future();
    submit([this, request = std::move(request), deadline, handed]() mutable {
      try {
        store::Transaction tx = store_->begin();
        Envelope none;
        Context c(none, tx.db(), {});
        const std::string id = c.request(std::move(request), deadline);
        send_outgoing(tx, c);
        tx.commit();
        {
          std::lock_guard<std::mutex> lock(mutex_);
          awaited_[id].promise = std::move(*handed);
        }
        after_commit_of_requests();
      } catch (...) {
        handed->set_exception(std::current_exception());
      }
    });
    return result;
  }

  std::future<void> transaction(Handler work) {
    auto done = std::make_shared<std::promise<void>>();
    auto result = done->get_future();
    submit([this, work = std::move(work), done] {
      try {
        store::Transaction tx = store_->begin();
        Envelope none;
        Context c(none, tx.db(), {});
        work(c);
        send_outgoing(tx, c);
        tx.commit();
        after_commit_of_requests();
        done->set_value();
      } catch (...) {
        done->set_exception(std::current_exception());
      }
    });
    return result;
  }

  AdapterStats stats() const {
    AdapterStats s;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      s = stats_;
    }
    s.connections_opened = bus_.connections_opened();
    return s;
  }

  const AdapterOptions& options() const { return options_; }

 private:
  struct Delivery {
    Queue queue;
    AmqpMessage message;
    bus::DeliveryId id;
  };
  struct SendResult {
    std::int64_t row;
    Outcome outcome;
  };
  struct Awaited {
    std::promise<Replies> promise;
    Replies replies;
  };
  // One delivery through the steps of a batch.
  struct Item {
    Delivery delivery;
    DecodeResult decoded;
    std::string key;               // the inbox key: Header/MessageID, else the AMQP message-id
    store::Inbox::Entry entry;
    bool counted = false;          // went through the inbox
    Outcome outcome = Outcome::accepted;
  };

  // Broker errors are logged once each until the next successful start of a link, not every retry.
  bus::BusOptions bus_options() {
    bus::BusOptions o;
    o.on_error = [this](const std::string& error) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (reported_errors_.insert(error).second) log("broker: " + error);
    };
    return o;
  }

  void listen(Queue queue, const std::string& source, bus::ReceiveOptions receive) {
    bus_.receive_deferred(source, [this, queue](AmqpMessage m, bus::DeliveryId id) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        deliveries_.push_back({queue, std::move(m), id});
      }
      changed_.notify_all();
    }, receive);
  }

  void submit(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!worker_.joinable() || stopping_) throw std::logic_error("the adapter is not running");
      jobs_.push_back(std::move(job));
    }
    changed_.notify_all();
  }

  void log(const std::string& text) const {
    std::cerr << "cimbus " << options_.config.instance() << ": " << text << "\n";
  }

  template <class F>
  void count(F change) {
    std::lock_guard<std::mutex> lock(mutex_);
    change(stats_);
  }

  // --- the worker -------------------------------------------------------------------------------

  void work() {
    try {
      next_deadline_ = store_->correlations().next_deadline();
      for (;;) {
        std::vector<Delivery> batch;
        std::vector<SendResult> results;
        std::deque<std::function<void()>> jobs;
        bool stopping;
        Clock::time_point drain_until;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          // Once stopping is noticed, only send outcomes (or the drain deadline) wake the worker.
          changed_.wait_until(lock, wake_time(), [this] {
            return !deliveries_.empty() || !send_results_.empty() || !jobs_.empty() || (stopping_ && !stop_noticed_);
          });
          const std::size_t n = std::min(deliveries_.size(), static_cast<std::size_t>(options_.config.batch()));
          for (std::size_t i = 0; i < n; ++i) batch.push_back(std::move(deliveries_[i]));
          deliveries_.erase(deliveries_.begin(), deliveries_.begin() + static_cast<long>(n));
          results.swap(send_results_);
          jobs.swap(jobs_);
          stopping = stopping_;
          stop_noticed_ = stopping_;
          drain_until = drain_until_;
        }
        take_results(results);
        if (stopping) {
          release(batch);  // for another instance, or later
          batch.clear();
        }
        if (!batch.empty()) handle(std::move(batch));
        else if (!sent_rows_.empty()) remove_sent_rows();
        for (auto& job : jobs) job();
        expire_requests();
        forget_old_messages();
        send_outbox();
        if (stopping && ((in_flight_.empty() && store_->outbox().size() == 0) || Clock::now() >= drain_until)) {
          if (!sent_rows_.empty()) remove_sent_rows();
          if (const std::size_t left = store_->outbox().size(); left > 0)
            log(std::to_string(left) + " messages stay in the outbox; they are sent at the next start");
          break;
        }
      }
    } catch (const std::exception& e) {
      // The store failed (disk full, file removed): stop taking work; the broker keeps the rest.
      log(std::string("worker stopped: ") + e.what());
      std::lock_guard<std::mutex> lock(mutex_);
      release({deliveries_.begin(), deliveries_.end()});
      deliveries_.clear();
    }
  }

  Clock::time_point wake_time() const {
    auto wake = Clock::now() + std::chrono::milliseconds(stop_noticed_ ? 100 : 1000);  // resends, the stop deadline
    if (next_deadline_) {
      auto due = Clock::now() + std::chrono::milliseconds(std::max<std::int64_t>(0, *next_deadline_ - epoch_ms()));
      wake = std::min(wake, due);
    }
    return wake;
  }

  // --- one batch of deliveries -------------------------------------------------------------

  void handle(std::vector<Delivery> batch) {
    std::vector<Item> items;
    items.reserve(batch.size());
    for (Delivery& d : batch) {
      DecodeResult decoded = codec_.decode(d.message.body);
      Item item{std::move(d), std::move(decoded), {}, {}, false, Outcome::accepted};
      const auto& header = item.decoded.envelope.message().header();
      item.key = !header.message_id().empty() ? header.message_id() : item.delivery.message.message_id;
      items.push_back(std::move(item));
    }

    // Step 1, only for the messages that need it: count the attempt of a redelivered message
    // before its handler runs, so that a message that crashes this process is still given up after
    // max_attempts; and acknowledge asynchronous requests at once. Without an fsync: the count
    // must survive a crash of the process, not of the machine, and step 2's commit makes it durable
    // anyway; an acknowledgement lost to a power cut is not missed, the final reply follows.
    // A first delivery (the broker says no one took it before) is counted in step 2: the page
    // writes of a separate transaction are a large share of an adapter's cost (bench/).
    std::vector<Item*> to_count;
    for (Item& item : items)
      if (is_recorded(item) && (!item.delivery.message.first_acquirer || wants_async_ack(item))) to_count.push_back(&item);
    if (!to_count.empty()) {
      store::Transaction tx = store_->begin(store::Store::Durability::relaxed);
      if (!sent_rows_.empty()) remove_sent_rows(tx);
      for (Item* item : to_count) {
        item->entry = store_->inbox().take(tx, item->key, !item->delivery.message.first_acquirer);
        item->counted = true;
        if (item->entry.state == store::Inbox::State::fresh && item->entry.attempts == 1 && wants_async_ack(*item))
          acknowledge_async(tx, *item);
      }
      tx.commit();
    }

    // Step 2: the handlers, their replies and effects; one savepoint each.
    std::set<std::string> seen;  // a MessageID twice in one batch runs once
    {
      store::Transaction tx = store_->begin();
      if (!sent_rows_.empty()) remove_sent_rows(tx);
      for (Item& item : items) {
        if (is_recorded(item)) {
          const bool first_in_batch = seen.insert(item.key).second;
          // Not counted yet, or counted before the first one in this batch left its outcome.
          if (!item.counted || !first_in_batch) {
            item.entry = store_->inbox().take(tx, item.key, !item.delivery.message.first_acquirer);
            item.counted = true;
          }
        }
        process(tx, item);
      }
      tx.commit();
    }
    after_commit_of_requests();
    std::vector<std::pair<bus::DeliveryId, Outcome>> outcomes;
    for (const Item& item : items) outcomes.emplace_back(item.delivery.id, item.outcome);
    bus_.settle(std::move(outcomes));
  }

  void release(const std::vector<Delivery>& deliveries) {
    std::vector<std::pair<bus::DeliveryId, Outcome>> outcomes;
    for (const Delivery& d : deliveries) outcomes.emplace_back(d.id, Outcome::released);
    bus_.settle(std::move(outcomes));
  }

  // Whether a message goes through the inbox: it has a key, and it could be read.
  static bool is_recorded(const Item& item) {
    return item.decoded.status != DecodeResult::Status::unreadable && !item.key.empty();
  }

  static bool wants_async_ack(const Item& item) {
    const auto& h = item.decoded.envelope.message().header();
    return item.delivery.queue == Queue::requests && item.decoded.accepted() && h.async_reply_flag() && !h.reply_address().empty();
  }

  void acknowledge_async(store::Transaction& tx, const Item& item) {
    const Envelope& request = item.decoded.envelope;
    const auto& h = request.message().header();
    // The immediate answer goes where a synchronous reply would; the result follows at ReplyAddress.
    const std::string to = !item.delivery.message.reply_to.empty() ? item.delivery.message.reply_to : h.reply_address();
    Envelope ack = make_reply(request, msg::ReplyType_Result::OK,
                              {error(code::kSimpleAcknowledgment, "Accepted; the result follows at " + h.reply_address(), Level::inform)},
                              reply_options_);
    enqueue(tx, options_.profile.reply_address(to), ack);
  }

  void process(store::Transaction& tx, Item& item) {
    const AmqpMessage& amqp = item.delivery.message;
    const Envelope& message = item.decoded.envelope;
    if (item.decoded.status == DecodeResult::Status::unreadable) {
      // No header to answer: a FaultMessage to the AMQP reply-to, and the bytes kept for people.
      // Its AMQP correlation-id names the message it answers, as a JMS peer expects.
      Envelope fault = answer_rejection(item.decoded, reply_options_);
      if (!amqp.reply_to.empty()) enqueue(tx, options_.profile.reply_address(amqp.reply_to), fault, amqp.message_id);
      dead_letter(tx, item, "unreadable: " + item.decoded.primary_code() + " " + first_reason(item.decoded.diagnostics));
      count([](AdapterStats& s) { ++s.failed; });
      return;
    }
    const bool query = message.message().header().verb() == msg::HeaderType_Verb::get;
    if (item.counted) {
      // A query has no effects: a replay of a get simply runs again and gets every page.
      if (item.entry.state == store::Inbox::State::handled && !query) {
        // Executed before: the requester gets the same reply again, with the same MessageID.
        if (item.entry.reply) send_stored_reply(tx, item.key, item.entry.reply_target, *item.entry.reply);
        count([](AdapterStats& s) { ++s.duplicates; });
        return;
      }
      if (item.entry.state == store::Inbox::State::dead) {
        answer_failed(tx, item, {error(code::kTransactionFailed, "this message was given up before: " + item.entry.reason)}, false);
        count([](AdapterStats& s) { ++s.duplicates; });
        return;
      }
      if (item.entry.attempts > options_.config.max_attempts()) {
        give_up(tx, item);
        return;
      }
    }
    if (item.decoded.status == DecodeResult::Status::rejected) {
      if (item.delivery.queue == Queue::events) dead_letter(tx, item, "invalid event: " + item.decoded.primary_code() + " " + first_reason(item.decoded.diagnostics));
      answer_failed(tx, item, item.decoded.diagnostics, answers(item));
      count([](AdapterStats& s) { ++s.failed; });
      return;
    }
    switch (item.delivery.queue) {
      case Queue::requests: handle_request(tx, item); break;
      case Queue::events: handle_event(tx, item); break;
      case Queue::replies: handle_reply(tx, item); break;
    }
  }

  // Requests are answered; events only when they ask for an acknowledgement; replies never.
  static bool answers(const Item& item) {
    return item.delivery.queue == Queue::requests ||
           (item.delivery.queue == Queue::events && item.decoded.envelope.message().header().ack_required());
  }

  static std::string first_reason(const Diagnostics& d) {
    for (const auto& x : d)
      if (x.is_error()) return x.reason;
    return d.empty() ? std::string() : d.front().reason;
  }

  // Where the answer to a message goes: its ReplyAddress, else the AMQP reply-to ("" = nowhere).
  std::string reply_target(const Item& item) const {
    const auto& h = item.decoded.envelope.message().header();
    const std::string& to = !h.reply_address().empty() ? h.reply_address() : item.delivery.message.reply_to;
    return options_.profile.reply_address(to);
  }

  // A FAILED reply (when `answer`), and the message noted as handled so that a replay gets it too.
  void answer_failed(store::Transaction& tx, Item& item, const Diagnostics& errors, bool answer) {
    Envelope reply = make_reply(item.decoded.envelope, msg::ReplyType_Result::FAILED, errors, reply_options_);
    finish(tx, item, reply_target(item), answer ? &reply : nullptr);
  }

  void give_up(store::Transaction& tx, Item& item) {
    std::string reason = std::to_string(item.entry.attempts - 1) + " attempts failed";
    auto last = last_error_.find(item.key);
    reason += last != last_error_.end() ? ": " + last->second : " (the handler failed or the process ended while handling it)";
    log("giving up " + item.key + ": " + reason);
    const bool answer = answers(item);
    Envelope reply = make_reply(item.decoded.envelope, msg::ReplyType_Result::FAILED, {error(code::kTransactionFailed, reason)}, reply_options_);
    const std::string target = reply_target(item);
    if (answer && !target.empty()) enqueue(tx, target, reply);
    store_->inbox().give_up(tx, item.key, reason);
    dead_letter(tx, item, reason);
    last_error_.erase(item.key);
    count([](AdapterStats& s) { ++s.dead; });
  }

  // A copy of the delivery in the system's dead-letter queue, with why it is there.
  void dead_letter(store::Transaction& tx, const Item& item, const std::string& reason) {
    AmqpMessage copy = item.delivery.message;
    copy.to.clear();
    copy.properties["x-cimbus-reason"] = reason;
    copy.properties["x-cimbus-queue"] = to_string(item.delivery.queue);
    copy.properties["x-cimbus-instance"] = options_.config.instance();
    copy.properties["x-cimbus-attempts"] = std::to_string(std::max(1, item.entry.attempts));
    if (copy.message_id.empty()) copy.message_id = item.key.empty() ? new_uuid() : item.key;
    add_to_outbox(tx, options_.profile.dead_letter_address(options_.config.system()), copy);
  }

  const Handler* find(Queue queue, const std::string& noun, Verb verb) const {
    auto q = handlers_.find(queue);
    if (q == handlers_.end()) return nullptr;
    auto it = q->second.find({noun, verb});
    return it == q->second.end() ? nullptr : &it->second;
  }

  bool serves_noun(const std::string& noun) const { return operation_sets_->serves_noun(noun); }

  void handle_request(store::Transaction& tx, Item& item) {
    const auto& h = item.decoded.envelope.message().header();
    if (h.async_reply_flag() && h.reply_address().empty()) {
      answer_failed(tx, item, {error(code::kHeaderElementsMissing, "AsyncReplyFlag is true but ReplyAddress is missing: nowhere to send the result")}, true);
      count([](AdapterStats& s) { ++s.failed; });
      return;
    }
    const Handler* handler = find(Queue::requests, h.noun(), h.verb());
    // An OperationSet runs through the handlers of its operations, unless the adapter has its own.
    if (handler == nullptr && h.verb() == msg::HeaderType_Verb::execute && serves_noun(detail::operation_set_noun(h.noun())))
      handler = &execute_;
    if (handler == nullptr) {
      const bool noun_known = serves_noun(h.noun());
      answer_failed(tx, item, {error(noun_known ? code::kInvalidVerb : code::kInvalidNoun,
                                     noun_known ? to_literal(h.verb()) + " " + h.noun() + " is not served by " + options_.config.system()
                                                : h.noun() + " is not served by " + options_.config.system())}, true);
      count([](AdapterStats& s) { ++s.failed; });
      return;
    }
    run(tx, item, *handler, true);
  }

  void handle_event(store::Transaction& tx, Item& item) {
    const auto& h = item.decoded.envelope.message().header();
    const Handler* handler = find(Queue::events, h.noun(), h.verb());
    if (handler == nullptr) {  // subscribed by the topology but not handled here: noted, acknowledged
      finish_without_handler(tx, item, h.ack_required());
      return;
    }
    run(tx, item, *handler, h.ack_required());
  }

  void handle_reply(store::Transaction& tx, Item& item) {
    const Envelope& reply = item.decoded.envelope;
    const auto& h = reply.message().header();
    const std::string correlation = !h.correlation_id().empty() ? h.correlation_id() : item.delivery.message.correlation_id;
    const bool final = !is_interim_reply(reply);
    if (!store_->correlations().answer(tx, correlation, final)) {
      log("a reply to " + (correlation.empty() ? std::string("nothing") : correlation) + " that is not awaited (late or unknown)");
      count([](AdapterStats& s) { ++s.late_replies; });
      finish_without_handler(tx, item, false);
      return;
    }
    completed_.push_back({correlation, reply, final});
    auto it = reply_handlers_.find(h.noun());
    if (it == reply_handlers_.end()) {
      finish_without_handler(tx, item, false);
      count([](AdapterStats& s) { ++s.handled; });
      return;
    }
    run(tx, item, it->second, false);
  }

  void finish_without_handler(store::Transaction& tx, Item& item, bool acknowledge) {
    if (!acknowledge) {
      finish(tx, item, reply_target(item), nullptr);
      return;
    }
    const Envelope ack = make_reply(item.decoded.envelope, msg::ReplyType_Result::OK,
                                    {error(code::kSimpleAcknowledgment, "Acknowledged", Level::inform)}, reply_options_);
    finish(tx, item, reply_target(item), &ack);
  }

  // Runs a handler in a savepoint; its reply (when `answer`), events and requests are queued.
  void run(store::Transaction& tx, Item& item, const Handler& handler, bool answer) {
    const Envelope& message = item.decoded.envelope;
    Diagnostics warnings;  // lenient findings go back to the requester
    for (const auto& d : item.decoded.diagnostics)
      if (!d.is_error()) warnings.push_back(d);
    const bool event = item.delivery.queue == Queue::events;
    Envelope initial = make_reply(message, warnings.empty() ? msg::ReplyType_Result::OK : msg::ReplyType_Result::PARTIAL, warnings, reply_options_);
    if (event && answer) *initial.mutable_message()->mutable_reply()->add_error() =
        to_error(error(code::kSimpleAcknowledgment, "Acknowledged", Level::inform));
    const std::string target = reply_target(item);
    const std::size_t fresh_before = fresh_.size();
    try {
      store::Savepoint savepoint(tx);
      Context context(message, tx.db(), std::move(initial));
      handler(context);
      std::vector<Envelope> pages;
      if (answer && !target.empty()) {
        std::size_t page_size = static_cast<std::size_t>(options_.config.page_size());
        if (auto asked = context.option("pageSize")) page_size = static_cast<std::size_t>(std::max(0L, std::atol(asked->c_str())));
        const bool get = message.message().header().verb() == msg::HeaderType_Verb::get;
        if (get) pages = detail::split_into_pages(context.reply(), page_size);
        else pages.push_back(std::move(context.reply()));
      }
      for (std::size_t i = 0; i + 1 < pages.size(); ++i) enqueue(tx, target, pages[i]);
      finish(tx, item, target, pages.empty() ? nullptr : &pages.back());
      send_outgoing(tx, context);
      savepoint.release();
      last_error_.erase(item.key);
      count([](AdapterStats& s) { ++s.handled; });
    } catch (const Rejection& r) {
      // Rolled back; the refusal itself is the answer, and final.
      fresh_.resize(fresh_before);
      Diagnostics errors = warnings;
      errors.insert(errors.end(), r.errors().begin(), r.errors().end());
      answer_failed(tx, item, errors, answer);
      count([](AdapterStats& s) { ++s.failed; });
    } catch (const std::exception& e) {
      // Rolled back; the delivery comes again, up to max_attempts.
      fresh_.resize(fresh_before);
      log("handler failed for " + message.message().header().noun() + " " + to_literal(message.message().header().verb()) + " " +
          item.key + " (attempt " + std::to_string(item.entry.attempts) + "): " + e.what());
      last_error_[item.key] = e.what();
      if (item.delivery.queue == Queue::replies) drop_completion(item);
      item.outcome = Outcome::released;
      count([](AdapterStats& s) { ++s.retried; });
    }
  }

  void drop_completion(const Item& item) {
    const std::string& id = item.decoded.envelope.message().header().message_id();
    completed_.erase(std::remove_if(completed_.begin(), completed_.end(),
                                    [&](const Completion& c) { return c.reply.message().header().message_id() == id; }),
                     completed_.end());
  }

  // The message is done: its final answer, if any, is kept in the inbox for a replay to get it
  // again, and the outbox sends it from there (a reply is stored once).
  void finish(store::Transaction& tx, const Item& item, const std::string& target, const Envelope* answer) {
    std::optional<AmqpMessage> m;
    if (answer != nullptr && !target.empty()) m = bus::to_amqp_message(*answer, codec_.encode(*answer));
    if (!item.counted) {
      if (m) add_to_outbox(tx, target, *m);
      return;
    }
    store_->inbox().finish(tx, item.key, target, m);
    if (m) send_stored_reply(tx, item.key, target, *m);
  }

  void send_stored_reply(store::Transaction& tx, const std::string& key, const std::string& target, const AmqpMessage& m) {
    const std::int64_t id = store_->outbox().add_reply(tx, target, key);
    if (!backlog_) fresh_.push_back({id, target, m});
  }

  // Encodes `envelope`, puts it in the outbox for `target`, and returns the AMQP message.
  AmqpMessage enqueue(store::Transaction& tx, const std::string& target, const Envelope& envelope,
                      const std::string& correlation_id = {}) {
    AmqpMessage m = bus::to_amqp_message(envelope, codec_.encode(envelope));
    if (!correlation_id.empty()) m.correlation_id = correlation_id;
    add_to_outbox(tx, target, m);
    return m;
  }

  // Every outbox row goes through here: a copy stays in memory, so that after the commit it is
  // sent without reading it back (send_outbox).
  void add_to_outbox(store::Transaction& tx, const std::string& target, const AmqpMessage& m) {
    const std::int64_t id = store_->outbox().add(tx, target, m);
    if (!backlog_) fresh_.push_back({id, target, m});
  }

  // The events and requests a handler made: completed headers, outbox, correlation store.
  void send_outgoing(store::Transaction& tx, Context& context) {
    for (Context::Outgoing& out : context.outgoing()) {
      msg::HeaderType* h = out.envelope.mutable_message()->mutable_header();
      if (h->source().empty()) h->set_source(options_.config.system());
      if (h->timestamp().empty()) h->set_timestamp(now_timestamp());
      if (!out.envelope.has_archetype() && !out.envelope.has_wrapper()) out.envelope.set_archetype(archetype_for(h->verb()));
      if (out.is_request) {
        h->set_reply_address(bus::reply_queue(options_.config.instance()));
        auto deadline = out.deadline.count() > 0 ? out.deadline : std::chrono::milliseconds(options_.config.request_timeout_ms());
        store_->correlations().add(tx, {h->message_id(), h->noun(), epoch_ms() + deadline.count()});
        requests_added_ = true;
      }
      enqueue(tx, options_.profile.publish_address(bus::routing_key(h->noun(), h->verb())), out.envelope);
    }
  }

  // --- inbox retention -------------------------------------------------------------------------

  // MessageIDs older than inbox_retention_s are forgotten a slice at a time, at most once per
  // interval, so that the file stays bounded without a long pause in the handling.
  void forget_old_messages() {
    const auto now = Clock::now();
    if (now < next_forgetting_) return;
    const std::int64_t retention_ms = options_.config.inbox_retention_s() * 1000;
    next_forgetting_ = now + std::chrono::milliseconds(std::min<std::int64_t>(60000, retention_ms / 2));
    constexpr std::size_t kSlice = 5000;
    store::Transaction tx = store_->begin(store::Store::Durability::relaxed);
    const std::size_t forgotten = store_->inbox().forget_before(tx, epoch_ms() - retention_ms, kSlice);
    tx.commit();
    if (forgotten == kSlice) next_forgetting_ = now;  // more are due: the next turn goes on
  }

  // --- replies to our requests, and their deadlines ---------------------------------------

  struct Completion {
    std::string correlation;
    Envelope reply;
    bool final;
  };

  // After a commit: futures of request() get their replies; a new request may bring the next
  // deadline forward.
  void after_commit_of_requests() {
    if (requests_added_) {
      next_deadline_ = store_->correlations().next_deadline();
      requests_added_ = false;
    }
    if (completed_.empty()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    for (Completion& c : completed_) {
      auto it = awaited_.find(c.correlation);
      if (it == awaited_.end()) continue;
      it->second.replies.pages.push_back(std::move(c.reply));
      if (!c.final) continue;
      it->second.promise.set_value(std::move(it->second.replies));
      awaited_.erase(it);
    }
    completed_.clear();
  }

  void expire_requests() {
    if (!next_deadline_ || *next_deadline_ > epoch_ms()) return;
    store::Transaction tx = store_->begin();
    for (const auto& late : store_->correlations().expired(epoch_ms(), 256)) {
      store_->correlations().answer(tx, late.message_id, true);
      Envelope request;
      request.set_archetype(Envelope::REQUEST_MESSAGE);
      request.mutable_message()->mutable_header()->set_noun(late.noun);
      request.mutable_message()->mutable_header()->set_message_id(late.message_id);
      Envelope reply = make_reply(request, msg::ReplyType_Result::FAILED,
                                  {error(code::kTimedOut, "no reply to " + late.message_id + " before its deadline")}, reply_options_);
      count([](AdapterStats& s) { ++s.timed_out; });
      completed_.push_back({late.message_id, reply, true});
      auto it = reply_handlers_.find(late.noun);
      if (it == reply_handlers_.end()) continue;
      const std::size_t fresh_before = fresh_.size();
      try {
        store::Savepoint savepoint(tx);
        Context context(reply, tx.db(), {});
        it->second(context);
        send_outgoing(tx, context);
        savepoint.release();
      } catch (const std::exception& e) {
        fresh_.resize(fresh_before);
        log("reply handler failed on the timeout of " + late.message_id + ": " + e.what());
      }
    }
    tx.commit();
    next_deadline_ = store_->correlations().next_deadline();
    requests_added_ = false;
    after_commit_of_requests();
  }

  // --- the outbox ---------------------------------------------------------------------------

  void take_results(const std::vector<SendResult>& results) {
    for (const SendResult& r : results) {
      in_flight_.erase(r.row);
      switch (r.outcome) {
        case Outcome::accepted:
          sent_rows_.push_back(r.row);
          break;
        case Outcome::rejected:  // the broker will never take it (e.g. too large): keep going
          log("the broker rejected outbox message " + std::to_string(r.row) + "; it is dropped from the outbox");
          sent_rows_.push_back(r.row);
          break;
        case Outcome::released:
        case Outcome::failed:
          resend_from_start_ = true;
          resend_after_ = Clock::now() + std::chrono::milliseconds(500);
          break;
      }
    }
  }

  // Relaxed: a removal lost to a power cut only sends a row again, which receivers de-duplicate.
  void remove_sent_rows() {
    store::Transaction tx = store_->begin(store::Store::Durability::relaxed);
    remove_sent_rows(tx);
    tx.commit();
  }

  void remove_sent_rows(store::Transaction& tx) {
    store_->outbox().remove(tx, sent_rows_);
    count([n = sent_rows_.size()](AdapterStats& s) { s.sent += n; });
    sent_rows_.clear();
  }

  // Sends outbox rows in id order while fewer than kMaxUnsettledSends await the broker. Rows
  // committed since the last call are normally sent from memory (fresh_); after a restart, a
  // failed send, or when room ran out, rows are read back from the store instead (backlog_).
  void send_outbox() {
    if (resend_from_start_ && Clock::now() >= resend_after_) {
      cursor_ = 0;  // rows not yet accepted are sent again from the oldest
      resend_from_start_ = false;
      backlog_ = true;
    }
    std::vector<bus::Bus::Send> sends;
    if (!backlog_) {
      std::size_t sent = 0;
      for (; sent < fresh_.size() && in_flight_.size() < kMaxUnsettledSends; ++sent) hand_over(std::move(fresh_[sent]), sends);
      if (sent < fresh_.size()) backlog_ = true;  // the rest is read back when there is room
      fresh_.clear();
      bus_.send(std::move(sends));
      return;
    }
    fresh_.clear();
    const std::size_t room = kMaxUnsettledSends - std::min(kMaxUnsettledSends, in_flight_.size());
    if (room == 0 || resend_from_start_) return;
    const std::size_t limit = room + in_flight_.size();  // rows in flight may come back: skipped
    const auto rows = store_->outbox().pending(limit, cursor_);
    bool behind = false;
    for (const store::Outbox::Row& row : rows) {
      if (in_flight_.size() >= kMaxUnsettledSends) {
        behind = true;
        break;
      }
      if (in_flight_.count(row.id) || std::find(sent_rows_.begin(), sent_rows_.end(), row.id) != sent_rows_.end()) {
        cursor_ = std::max(cursor_, row.id);
        continue;
      }
      hand_over(row, sends);
    }
    if (!behind && rows.size() < limit) backlog_ = false;  // caught up: every row is on its way
    bus_.send(std::move(sends));
  }

  void hand_over(store::Outbox::Row row, std::vector<bus::Bus::Send>& sends) {
    cursor_ = std::max(cursor_, row.id);
    in_flight_.insert(row.id);
    sends.push_back({std::move(row.target), std::move(row.message), [this, id = row.id](Outcome o) {
                       {
                         std::lock_guard<std::mutex> lock(mutex_);
                         send_results_.push_back({id, o});
                       }
                       changed_.notify_all();
                     }});
  }

  static constexpr std::size_t kMaxUnsettledSends = 256;

  AdapterOptions options_;
  std::shared_ptr<SchemaRegistry> registry_;
  ReplyOptions reply_options_;
  XmlCodec codec_;  // the worker thread's
  std::map<Queue, std::map<HandlerKey, Handler>> handlers_;
  std::map<std::string, Handler> reply_handlers_;
  std::optional<detail::OperationSetRunner> operation_sets_;  // execute: over handlers_[requests]
  Handler execute_;
  std::vector<std::function<void(sqlite3*)>> prepare_store_;
  bool started_ = false;

  // The worker thread's own.
  std::unique_ptr<store::Store> store_;
  std::map<std::string, std::string> last_error_;  // by inbox key: why the last attempt failed
  std::set<std::int64_t> in_flight_;               // outbox rows sent, outcome not yet known
  std::vector<std::int64_t> sent_rows_;            // accepted by the broker, to remove
  std::int64_t cursor_ = 0;                        // the highest outbox row handed to the bus
  std::vector<store::Outbox::Row> fresh_;          // rows added since the last send_outbox()
  bool backlog_ = true;                            // rows after cursor_ may exist that fresh_ lacks
  bool resend_from_start_ = false;
  Clock::time_point resend_after_;
  std::optional<std::int64_t> next_deadline_;      // of the correlation store, ms since the epoch
  Clock::time_point next_forgetting_{};            // the next pass of inbox retention
  bool requests_added_ = false;
  bool stop_noticed_ = false;
  std::vector<Completion> completed_;              // replies of this transaction, for futures

  bus::Bus bus_;

  // Shared with the bus thread and callers, under mutex_.
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Delivery> deliveries_;
  std::vector<SendResult> send_results_;
  std::deque<std::function<void()>> jobs_;
  std::map<std::string, Awaited> awaited_;  // request() futures by MessageID
  bool stopping_ = false;
  Clock::time_point drain_until_;
  AdapterStats stats_;
  std::set<std::string> reported_errors_;
  std::thread worker_;
};

Adapter::Adapter(AdapterOptions options, std::shared_ptr<SchemaRegistry> registry)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(registry))) {}

Adapter::~Adapter() = default;

void Adapter::on(const std::string& noun, Verb verb, Handler handler) { impl_->on(Queue::requests, noun, verb, std::move(handler)); }

void Adapter::on_event(const std::string& noun, Verb verb, Handler handler) {
  impl_->on(Queue::events, noun, verb, std::move(handler));
}

void Adapter::on_reply(const std::string& noun, Handler handler) { impl_->on(Queue::replies, noun, std::nullopt, std::move(handler)); }

void Adapter::prepare_store(std::function<void(sqlite3*)> prepare) { impl_->prepare_store(std::move(prepare)); }

void Adapter::start() { impl_->start(); }

bool Adapter::wait_ready(std::chrono::milliseconds timeout) { return impl_->wait_ready(timeout); }

std::string Adapter::publish(Envelope event) { return impl_->publish(std::move(event)); }

std::future<Replies> Adapter::request(Envelope request, std::chrono::milliseconds deadline) {
  return impl_->request(std::move(request), deadline);
}

std::future<void> Adapter::transaction(Handler work) { return impl_->transaction(std::move(work)); }

void Adapter::stop() { impl_->stop(); }

int Adapter::run_until_signal() { return impl_->run_until_signal(); }

AdapterStats Adapter::stats() const { return impl_->stats(); }

const AdapterOptions& Adapter::options() const { return impl_->options(); }

}  // namespace cimbus::adapter
