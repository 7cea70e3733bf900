#include "cimbus/bus/bus.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <proton/error.hpp>
#include <proton/codec/map.hpp>
#include <proton/connection.hpp>
#include <proton/connection_options.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/receiver_options.hpp>
#include <proton/scalar.hpp>
#include <proton/sender.hpp>
#include <proton/sender_options.hpp>
#include <proton/session.hpp>
#include <proton/source_options.hpp>
#include <proton/ssl.hpp>
#include <proton/target_options.hpp>
#include <proton/tracker.hpp>
#include <proton/transport.hpp>
#include <proton/work_queue.hpp>

#include "cimbus/codec/uuid.hpp"
#include "cimbus/sync/mutex.hpp"
#include "proton_form.hpp"

namespace cimbus::bus {

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::accepted: return "accepted";
    case Outcome::rejected: return "rejected";
    case Outcome::released: return "released";
    case Outcome::failed: return "failed";
    case Outcome::refused: return "refused";
  }
  return "failed";
}

class Bus::Impl : public proton::messaging_handler {
 public:
  Impl(ConnectionOptions connection, BusOptions options)
      : options_(std::move(connection)), bus_options_(options),
        container_(*this, options_.container_id.empty() ? new_uuid() : options_.container_id) {}

  // --- called from any thread ---------------------------------------------------------------

  void add_receiver(const std::string& source, Handler handler, DeferredHandler deferred, ReceiveOptions options) {
    std::size_t index;
    {
      sync::Lock lock(mutex_);
      for (const Receiver& r : receivers_)  // deliveries are dispatched by their source address
        if (r.source == source) throw std::invalid_argument("a receiver for " + source + " exists already");
      receivers_.push_back({source, std::move(handler), std::move(deferred), options});
      index = receivers_.size() - 1;
    }
    inject([this, index] { open_receiver(index); });  // when connected; otherwise on open
  }

  void start() {
    thread_ = std::thread([this] { container_.run(); });
  }

  bool wait_connected(std::chrono::milliseconds timeout) {
    sync::Lock lock(mutex_);
    return lock.wait_for(state_changed_, timeout, [this]() CIMBUS_REQUIRES(mutex_) { return open_; });
  }

  bool ready() const {
    sync::Lock lock(mutex_);
    return open_ && attached_ == receivers_.size();
  }

  bool wait_ready(std::chrono::milliseconds timeout) {
    sync::Lock lock(mutex_);
    return lock.wait_for(state_changed_, timeout, [this]() CIMBUS_REQUIRES(mutex_) { return open_ && attached_ == receivers_.size(); });
  }

  void send(std::vector<Send> sends) {
    if (sends.empty()) return;
    std::vector<Pending> pending;
    pending.reserve(sends.size());
    for (Send& s : sends) pending.push_back({std::move(s.target), to_proton(s.message), std::move(s.done)});
    {
      sync::Lock lock(mutex_);
      if (!stopping_) {
        for (Pending& p : pending) waiting_.push_back(std::move(p));
        pending.clear();
      }
    }
    for (Pending& p : pending) p.done(Outcome::failed);  // stopping
    inject([this] { pump(); });
  }

  void settle(std::vector<std::pair<DeliveryId, Outcome>> outcomes) {
    if (outcomes.empty()) return;
    inject([this, outcomes = std::move(outcomes)] {
      for (const auto& [id, outcome] : outcomes) settle_delivery(id, outcome);
    });
  }

  void pause_receiving() {
    inject([this] { paused_ = true; });
  }

  void resume_receiving() {
    inject([this] {
      paused_ = false;
      for (auto& [key, credit] : withheld_) {
        proton::receiver receiver = key;
        if (receiver.active()) receiver.add_credit(credit);
      }
      withheld_.clear();
    });
  }

  void stop(std::chrono::milliseconds drain) {
    {
      sync::Lock lock(mutex_);
      if (!thread_.joinable()) return;
      stopping_ = true;
      lock.wait_for(state_changed_, drain, [this]() CIMBUS_REQUIRES(mutex_) { return waiting_.empty() && in_flight_.empty(); });
    }
    const bool queued = inject([this] {
      for (auto& r : open_receivers_) r.close();
      connection_.close();
      container_.stop();
    });
    if (!queued) container_.stop();  // never connected, or the connection is gone: stop directly
    thread_.join();
    std::deque<Pending> unfinished;
    {
      sync::Lock lock(mutex_);
      unfinished = std::move(waiting_);
      for (auto& [tracker, p] : in_flight_) unfinished.push_back(std::move(p));
      waiting_.clear();
      in_flight_.clear();
    }
    for (auto& p : unfinished) p.done(Outcome::failed);
  }

  int connections_opened() const {
    sync::Lock lock(mutex_);
    return connections_opened_;
  }

  std::string refusal_of(const std::string& target) const {
    sync::Lock lock(mutex_);
    auto it = refusal_text_.find(target);
    return it == refusal_text_.end() ? "the broker refused " + target : it->second;
  }

  // --- the I/O thread ---------------------------------------------------------------------------

  void on_container_start(proton::container&) override { connect(); }

  void on_connection_open(proton::connection& c) override {
    connection_ = c;
    // A new connection has new links. What was in flight on the old one has an unknown outcome
    // and is sent again; receivers de-duplicate by message-id.
    ConnectionEvent event;
    event.kind = ConnectionEvent::Kind::connected;
    event.url = current_url_;
    {
      sync::Lock lock(mutex_);
      open_ = true;
      attached_ = 0;
      attempts_ = 0;
      event.connection = ++connections_opened_;
      for (auto it = in_flight_.rbegin(); it != in_flight_.rend(); ++it) waiting_.push_front(std::move(it->second));
      in_flight_.clear();
    }
    if (lost_at_) event.down_for = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - *lost_at_);
    lost_at_.reset();
    if (bus_options_.on_connection) bus_options_.on_connection(event);
    state_changed_.notify_all();
    for (std::size_t i = 0; i < receivers_count(); ++i) open_receiver(i);
    pump();
  }

  void on_transport_error(proton::transport& t) override {
    // TLS and SASL failures, a refused or reset connection; the likely cause of the usual ones.
    const std::string text = t.error().what();
    std::string hint;
    if (text.find("\\x15\\x03") != std::string::npos) hint = " (the broker answered with TLS: use an amqps:// URL)";
    else if (text.find("wrong version number") != std::string::npos) hint = " (the broker does not speak TLS on this port: use amqp://, or its TLS port)";
    else if (text.find("alert unknown ca") != std::string::npos || text.find("alert bad certificate") != std::string::npos)
      hint = " (the broker does not accept the client certificate: it trusts another CA, or the certificate is not current)";
    else if (text.find("certificate verify failed") != std::string::npos)
      hint = " (is the CA file the one that signed the broker's certificate, is that certificate current, and was it issued for the URL's host?)";
    lost(text + hint);
  }
  void on_transport_close(proton::transport&) override { lost("the connection closed"); }
  void on_connection_close(proton::connection&) override { lost("the broker closed the connection"); }

  void on_sendable(proton::sender&) override { pump(); }

  void on_receiver_open(proton::receiver& r) override {
    if (is_probe(r)) {  // the queue exists: send to it; the probe's session is done
      auto it = targets_.find(r.source().address());
      if (it != targets_.end() && it->second.check == Check::probing) {
        it->second.check = Check::passed;
        it->second.probe = proton::session();
      }
      r.session().close();
      pump();
      return;
    }
    auto refused = receiver_refusals_.find(r.source().address());
    if (refused != receiver_refusals_.end() && refused->second > 0) {
      refused->second = 0;
      if (bus_options_.on_error) bus_options_.on_error("receiving from " + r.source().address() + " again: the broker accepts it now");
    }
    {
      sync::Lock lock(mutex_);
      ++attached_;
    }
    state_changed_.notify_all();
  }

  // RabbitMQ refuses a link by ending its session (each queue destination has its own).
  void on_session_error(proton::session& session) override {
    for (auto& [target, state] : targets_) {
      // The probe of a queue that is exclusive to another connection (an AMQP 0-9-1 peer's
      // server-named amq.gen-* reply queue): it exists, and anyone may send to it.
      if (state.probe && state.probe == session && session.error().name() == "amqp:resource-locked") {
        state.check = Check::passed;
        state.probe = proton::session();
        session.close();
        pump();
        return;
      }
    }
    for (auto& [target, state] : targets_)
      if ((state.session && state.session == session) || (state.probe && state.probe == session)) return refused(target, session.error());
    for (const proton::receiver& r : open_receivers_)
      if (r.session() == session) return receiver_refused(r, session.error());
    if (publish_session_ && publish_session_ == session) return publish_session_refused(session.error());
    // Another session (none is expected): its links are unknown, so the connection is opened
    // again, with new links.
    report("session", session.error());
    connection_.close();
  }

  void on_message(proton::delivery& d, proton::message& m) override {
    const Receiver* receiver = nullptr;
    {
      sync::Lock lock(mutex_);
      auto it = handler_of_.find(d.receiver().source().address());
      if (it != handler_of_.end()) receiver = &receivers_[it->second];
    }
    if (receiver != nullptr && receiver->deferred) {
      const std::uint64_t id = ++last_delivery_;
      unsettled_.emplace(id, d);
      try {
        receiver->deferred(from_proton(m), id);
      } catch (const std::exception& e) {
        // Not handed over (from_proton reads whatever arrives; this is a fault of this process):
        // released, it would come back at once, in a loop; rejected, the broker dead-letters it.
        if (bus_options_.on_error) bus_options_.on_error("a delivery on " + d.receiver().source().address() + " rejected: " + e.what());
        settle_delivery(id, Outcome::rejected);
      }
      return;
    }
    const Handler* handler = receiver != nullptr ? &receiver->handler : nullptr;
    Outcome outcome = Outcome::released;
    if (handler != nullptr) {
      try {
        outcome = (*handler)(from_proton(m));
      } catch (...) {
        outcome = Outcome::released;  // the handler failed: try again later
      }
    }
    settle(d, outcome);
  }

  // A link the broker refuses or closes (e.g. a queue that does not exist yet just after a restart)
  // is opened again after a pause; what was in flight on it is sent again.
  void on_sender_error(proton::sender& s) override { refused(s.target().address(), s.error()); }
  void on_sender_close(proton::sender& s) override { sender_lost(s); }
  void on_receiver_error(proton::receiver& r) override {
    if (is_probe(r)) return refused(r.source().address(), r.error());
    report("receiving from " + source_of(r), r.error());
    receiver_lost(r);
  }
  void on_receiver_close(proton::receiver& r) override {
    if (!is_probe(r)) receiver_lost(r);
  }
  void on_connection_error(proton::connection& c) override { lost(c.error().what()); }

  void on_tracker_accept(proton::tracker& t) override { settle(t, Outcome::accepted); }
  void on_tracker_reject(proton::tracker& t) override { settle(t, Outcome::rejected); }
  void on_tracker_release(proton::tracker& t) override { settle(t, Outcome::released); }

  void on_error(const proton::error_condition&) override {}

 private:
  struct Receiver {
    std::string source;
    Handler handler;
    DeferredHandler deferred;
    ReceiveOptions options;
  };
  struct Pending {
    std::string target;
    proton::message message;
    SendCallback done;
  };
  // Whether a target that must be an existing queue was found to be one on this connection.
  enum class Check { none, probing, passed };
  // A target's links on this connection, and its refusals (kept across connections).
  struct Target {
    proton::session session;  // its own: RabbitMQ ends the session of a refused link
    proton::session probe;    // the probe's, closed once it has answered
    Check check = Check::none;
    int refusals = 0;          // in a row, since it was last taken
    bool wake_up_set = false;  // a pump is due when its pause after a refusal is over
    std::chrono::steady_clock::time_point refused_since, retry_at;
  };
  static constexpr std::string_view kProbePrefix = "cimbus-probe:";
  static bool is_probe(const proton::receiver& r) { return r.name().rfind(kProbePrefix, 0) == 0; }

  static void settle(proton::delivery& d, Outcome outcome) {
    switch (outcome) {
      case Outcome::accepted: d.accept(); break;
      case Outcome::rejected: d.reject(); break;
      case Outcome::released:
      case Outcome::failed:
      case Outcome::refused: d.release(); break;
    }
  }

  // A deferred delivery's outcome, on the I/O thread. Unknown ids belong to a lost connection:
  // the broker delivers those again. Each settlement gives its receiver one credit back.
  void settle_delivery(std::uint64_t id, Outcome outcome) {
    auto it = unsettled_.find(id);
    if (it == unsettled_.end()) return;
    proton::delivery d = it->second;
    unsettled_.erase(it);
    proton::receiver r = d.receiver();
    settle(d, outcome);
    if (paused_) ++withheld_[r];
    else r.add_credit(1);
  }

  // A link or connection the broker refused, for the operator (the Bus retries on its own).
  void report(const std::string& what, const proton::error_condition& e, const std::string& then = "") {
    if (bus_options_.on_error) bus_options_.on_error(what + ": " + e.what() + hint_for(e) + then);
  }

  static bool is_shutdown(const proton::error_condition& e) {
    return e.name() == "amqp:connection:forced" || e.description() == "shutdown";
  }

  // What the usual refusals mean, for the person who reads them.
  static std::string hint_for(const proton::error_condition& e) {
    if (e.name() == "amqp:not-found") return " (it does not exist on the broker: is the topology loaded? see deploy/README.md)";
    if (e.name() == "amqp:unauthorized-access") return " (this user may not: see its permissions in the topology, decisions/0026)";
    return "";
  }

  // Runs `work` on the I/O thread; false when there is no connection to run it on.
  bool inject(std::function<void()> work) {
    sync::Lock lock(mutex_);
    return work_queue_ != nullptr && work_queue_->add(std::move(work));
  }

  // Connects to the next URL. Reconnection is done here rather than by Proton's
  // reconnect_options: those re-attach the old links with their unsettled deliveries, which
  // RabbitMQ 3.10 cannot resume (the attach is never answered), so a lost connection is replaced
  // by a new one with new links.
  void connect() {
    const std::string& url = options_.urls.at(next_url_++ % options_.urls.size());
    current_url_ = url_without_password(url);
    try {
      connection_ = container_.connect(url, connection_options(options_));
    } catch (const proton::error&) {
      return;  // stop() came between the decision to reconnect and now: the container is stopping
    }
    sync::Lock lock(mutex_);
    work_queue_ = &connection_.work_queue();
    connecting_ = true;
  }

  // The connection went away, or an attempt failed: `why` in the words of the first event that
  // told (one loss comes as several events). Told to on_connection once per loss or attempt.
  void lost(const std::string& why) {
    senders_.clear();
    publish_session_ = proton::session();
    withheld_.clear();  // new links get their full credit
    for (auto& [target, state] : targets_) {  // new links on the next connection; refusals stay
      state.session = proton::session();
      state.probe = proton::session();
      state.check = Check::none;
    }
    open_receivers_.clear();
    receiver_sources_.clear();
    unsettled_.clear();
    std::chrono::milliseconds delay{0};
    bool was_open = false, stopping = false;
    {
      sync::Lock lock(mutex_);
      was_open = open_;
      stopping = stopping_;
      open_ = false;
      attached_ = 0;
      work_queue_ = nullptr;
      if (!connecting_) return;  // already handled: one loss, several events
      connecting_ = false;
      for (auto it = in_flight_.rbegin(); it != in_flight_.rend(); ++it) waiting_.push_front(std::move(it->second));
      in_flight_.clear();
    }
    // stop() ends the container, which aborts the connection: nothing to report then.
    if (!stopping && bus_options_.on_connection) {
      ConnectionEvent event;
      event.kind = was_open ? ConnectionEvent::Kind::lost : classify_connection_failure(why);
      event.url = current_url_;
      event.detail = why;
      bus_options_.on_connection(event);
    }
    if (was_open) lost_at_ = std::chrono::steady_clock::now();
    {
      sync::Lock lock(mutex_);
      const auto& r = options_.reconnect;
      if (stopping_ || (r.max_attempts > 0 && attempts_ >= r.max_attempts)) return;
      double ms = static_cast<double>(r.first_delay.count());
      for (int i = 0; i < attempts_; ++i) ms *= r.multiplier;
      delay = std::chrono::milliseconds(static_cast<long>(std::min(ms, static_cast<double>(r.max_delay.count()))));
      ++attempts_;
    }
    state_changed_.notify_all();
    after(delay, [this] { connect(); });
  }

  // Runs `work` on the I/O thread after `delay`, unless the Bus stops first. The container's
  // timer is set in steps of at most a quarter second: its run() does not return on stop() before
  // every timer set has fired, and a back-off of a refused target grows to minutes.
  void after(std::chrono::milliseconds delay, std::function<void()> work) {
    wait_until(std::chrono::steady_clock::now() + delay, std::move(work));
  }
  void wait_until(std::chrono::steady_clock::time_point due, std::function<void()> work) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - std::chrono::steady_clock::now());
    const auto step = std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(250));
    container_.schedule(proton::duration(step.count()), [this, due, work = std::move(work)]() mutable {
      {
        sync::Lock lock(mutex_);
        if (stopping_) return;
      }
      if (std::chrono::steady_clock::now() < due) wait_until(due, std::move(work));
      else work();
    });
  }

  std::size_t receivers_count() {
    sync::Lock lock(mutex_);
    return receivers_.size();
  }

  void sender_lost(proton::sender& s) {
    for (auto it = senders_.begin(); it != senders_.end(); ++it)
      if (it->second == s) {
        senders_.erase(it);
        break;
      }
    {
      sync::Lock lock(mutex_);
      requeue_in_flight([&s](const proton::tracker& t) { return t.sender() == s; });
      if (stopping_ || !open_) return;
    }
    later(std::chrono::milliseconds(1000), [this] { pump(); });
  }

  // What is in flight on the links `on_link` picks goes back to the front of waiting_, in the
  // order it was sent.
  template <typename Pick>
  void requeue_in_flight(Pick on_link) CIMBUS_REQUIRES(mutex_) {
    std::deque<Pending> back;
    for (auto it = in_flight_.begin(); it != in_flight_.end();) {
      if (on_link(it->first)) {
        back.push_back(std::move(it->second));
        it = in_flight_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto it = back.rbegin(); it != back.rend(); ++it) waiting_.push_front(std::move(*it));
  }

  // The broker ended the session that the senders to the exchange share: it refused one of them
  // (RabbitMQ 3.10: a routing key the user's topic permissions do not allow, an exchange that
  // does not exist). That target is the oldest send in flight there, or a sender the broker never
  // accepted, preferably the one whose routing key the broker's description names. It is refused
  // (reported once, tried again alone, given up), the others are sent again on a new session, in
  // their order. Without a culprit, the connection is opened again, as for any lost link.
  void publish_session_refused(const proton::error_condition& error) {
    std::vector<std::string> candidates;
    {
      sync::Lock lock(mutex_);
      for (const auto& [tracker, pending] : in_flight_)
        if (tracker.session() == publish_session_) candidates.push_back(pending.target);
    }
    for (const auto& [target, sender] : senders_)
      if (sender.session() == publish_session_ && !sender.active()) candidates.push_back(target);
    const std::string text = error.description();
    auto named = std::find_if(candidates.begin(), candidates.end(), [&text](const std::string& target) {
      return text.find("'" + target.substr(target.rfind('/') + 1) + "'") != std::string::npos;
    });
    if (candidates.empty()) {
      report("session", error);
      connection_.close();
      return;
    }
    const std::string culprit = named != candidates.end() ? *named : candidates.front();
    for (auto it = senders_.begin(); it != senders_.end();)
      it = it->second.session() == publish_session_ ? senders_.erase(it) : std::next(it);
    {
      sync::Lock lock(mutex_);
      requeue_in_flight([this](const proton::tracker& t) { return t.session() == publish_session_; });
    }
    publish_session_ = proton::session();
    isolated_.insert(culprit);
    refused(culprit, error);
    pump();
  }

  // Runs `work` on the I/O thread after `delay`, on the connection open then, if any. A timer of
  // the container, not of the connection's work queue: Proton runs a work queue's timer after its
  // connection is gone and crashes (ASan: SEGV in work_queue::impl::add_void, a broker restart).
  void later(std::chrono::milliseconds delay, std::function<void()> work) {
    after(delay, [this, work = std::move(work)] { inject(work); });
  }

  // The broker refused `target` (its sender, its session, or its probe): what was in flight goes
  // back to waiting; the target is tried again after a back-off, or given up.
  void refused(std::string target, const proton::error_condition& error) {  // a copy: callers pass targets_ keys
    if (is_shutdown(error)) return;  // the broker is going down: lost() follows
    const auto now = std::chrono::steady_clock::now();
    Target& t = targets_[target];
    if (t.refusals++ == 0) t.refused_since = now;
    const std::string why = "the broker refuses " + target + ": " + error.what() + hint_for(error);
    {
      sync::Lock lock(mutex_);
      refusal_text_[target] = why;
    }
    auto it = senders_.find(target);
    if (it != senders_.end()) {
      proton::sender s = it->second;
      sender_lost(s);
    }
    for (proton::session* session : {&t.session, &t.probe}) {
      if (*session) session->close();
      *session = proton::session();
    }
    t.check = Check::none;
    if (now - t.refused_since >= bus_options_.give_up_refused_after) return give_up(target, why);
    if (t.refusals == 1 && bus_options_.on_error)
      bus_options_.on_error(why + "; trying again for up to " + std::to_string(bus_options_.give_up_refused_after.count() / 1000) + " s");
    const auto pause = std::chrono::milliseconds(std::min<long>(30000, 1000L << std::min(t.refusals - 1, 5)));
    t.retry_at = now + pause;
    t.wake_up_set = true;
    later(pause, [this, target] {
      if (auto it = targets_.find(target); it != targets_.end()) it->second.wake_up_set = false;
      pump();
    });
  }

  // Ends every send waiting for `target` with Outcome::refused (a copy: erased from targets_ here).
  void give_up(std::string target, const std::string& why) {
    targets_.erase(target);
    std::vector<SendCallback> done;
    {
      sync::Lock lock(mutex_);
      for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (it->target != target) {
          ++it;
          continue;
        }
        done.push_back(std::move(it->done));
        it = waiting_.erase(it);
      }
    }
    if (bus_options_.on_error) bus_options_.on_error(why + "; " + std::to_string(done.size()) + " messages for it given up");
    for (auto& d : done) d(Outcome::refused);
    state_changed_.notify_all();
    pump();
  }

  void receiver_lost(proton::receiver& r) {
    if (auto index = forget_receiver(r, true)) later(std::chrono::milliseconds(1000), [this, i = *index] { open_receiver(i); });
  }

  // Drops the link `r` (attached, or refused before it was); the index of its receiver, to attach
  // again, unless the Bus is stopping or has no connection.
  std::optional<std::size_t> forget_receiver(const proton::receiver& r, bool was_attached) {
    const std::string source = source_of(r);
    receiver_sources_.erase(r);
    for (auto it = open_receivers_.begin(); it != open_receivers_.end(); ++it)
      if (*it == r) {
        open_receivers_.erase(it);
        break;
      }
    sync::Lock lock(mutex_);
    auto known = handler_of_.find(source);
    if (stopping_ || !open_ || known == handler_of_.end()) return std::nullopt;
    if (was_attached && attached_ > 0) --attached_;
    return known->second;
  }

  void open_receiver(std::size_t index) {
    std::string source;
    ReceiveOptions options;
    bool deferred;
    {
      sync::Lock lock(mutex_);
      if (!open_ || index >= receivers_.size()) return;
      source = receivers_[index].source;
      options = receivers_[index].options;
      deferred = static_cast<bool>(receivers_[index].deferred);
      handler_of_[source] = index;
    }
    // Deferred receivers manage credit themselves: one back per settlement, so that at most
    // `credit` deliveries wait unsettled.
    proton::receiver_options r =
        proton::receiver_options().credit_window(deferred ? 0 : options.credit).auto_accept(false);
    if (options.durable)
      r.source(proton::source_options().durability_mode(proton::source::UNSETTLED_STATE).expiry_policy(proton::source::NEVER));
    // A session of its own: RabbitMQ ends the session of a link it refuses (a queue this user may
    // not read, one that does not exist), and the other links must not go with it.
    open_receivers_.push_back(connection_.open_session().open_receiver(source, r));
    receiver_sources_[open_receivers_.back()] = source;
    if (deferred) open_receivers_.back().add_credit(static_cast<std::uint32_t>(options.credit));
  }

  // The broker refused receiver `r` (by ending its session): reported the first time in a row,
  // attached again after a back-off (1 s doubling to 30 s).
  // The address a receiver link was opened for: its remote source is empty when the broker
  // refused the attach.
  std::string source_of(const proton::receiver& r) const {
    auto it = receiver_sources_.find(r);
    return it != receiver_sources_.end() ? it->second : r.source().address();
  }

  void receiver_refused(proton::receiver r, const proton::error_condition& error) {
    const std::string source = source_of(r);
    const std::optional<std::size_t> index = forget_receiver(r, false);
    if (!index) return;
    // A broker going down ends every session first ("shutdown"): the connection's loss says it.
    if (is_shutdown(error)) return later(std::chrono::seconds(1), [this, i = *index] { open_receiver(i); });
    int& refusals = receiver_refusals_[source];
    if (refusals++ == 0) report("the broker refuses receiving from " + source, error, "; trying again every 1 s up to 30 s");
    const auto pause = std::chrono::milliseconds(std::min<long>(30000, 1000L << std::min(refusals - 1, 5)));
    later(pause, [this, i = *index] { open_receiver(i); });
  }

  // The open sender for `target`, or nullptr while the target waits: for its back-off after a
  // refusal, or for the probe that checks that its queue exists.
  // Queue destinations (the checked prefix: reply queues, mostly) have sessions of their own, so
  // that a missing one is refused alone. The others (the exchange: requests and events) share the
  // connection's session, which keeps what is published in the order it was sent, across routing
  // keys: a subscriber sees an incident's changes before its closing.
  proton::sender* sender_for(const std::string& target) {
    auto it = senders_.find(target);
    if (it != senders_.end()) return &it->second;
    Target& t = targets_[target];
    if (t.refusals > 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now < t.retry_at) {
        // A timer may fire a little early: the pump that finds the pause not over calls again
        // once it is (one wake-up at a time).
        if (!t.wake_up_set) {
          t.wake_up_set = true;
          later(std::chrono::duration_cast<std::chrono::milliseconds>(t.retry_at - now) + std::chrono::milliseconds(1), [this, target] {
            if (auto it = targets_.find(target); it != targets_.end()) it->second.wake_up_set = false;
            pump();
          });
        }
        return nullptr;
      }
    }
    const std::string& prefix = bus_options_.checked_queue_prefix;
    if (prefix.empty() || target.rfind(prefix, 0) != 0) {
      if (isolated_.count(target) != 0) {  // refused once: alone, so that a refusal again ends no other link
        if (!t.session) t.session = connection_.open_session();
        return &senders_.emplace(target, t.session.open_sender(target)).first->second;
      }
      if (!publish_session_) publish_session_ = connection_.open_session();
      return &senders_.emplace(target, publish_session_.open_sender(target)).first->second;
    }
    if (t.check != Check::passed) {
      if (t.check == Check::none) {
        t.check = Check::probing;
        t.probe = connection_.open_session();
        t.probe.open_receiver(target, proton::receiver_options().name(std::string(kProbePrefix) + new_uuid()).credit_window(0));
      }
      return nullptr;
    }
    if (!t.session) t.session = connection_.open_session();
    return &senders_.emplace(target, t.session.open_sender(target)).first->second;
  }

  // Moves waiting sends onto their links while there is credit and room in flight.
  void pump() {
    sync::Lock lock(mutex_);
    if (!open_) return;
    std::size_t blocked = 0;
    while (waiting_.size() > blocked && in_flight_.size() < bus_options_.max_unsettled) {
      Pending& front = waiting_[blocked];
      proton::sender* s = sender_for(front.target);
      if (s == nullptr || s->credit() <= 0) {
        ++blocked;  // no link or no credit yet; on_sendable, a probe or a back-off calls again
        continue;
      }
      proton::tracker t = s->send(front.message);
      in_flight_.emplace_back(t, std::move(front));
      waiting_.erase(waiting_.begin() + static_cast<long>(blocked));
    }
  }

  void settle(proton::tracker& t, Outcome outcome) {
    SendCallback done;
    std::string target;
    {
      sync::Lock lock(mutex_);
      for (auto it = in_flight_.begin(); it != in_flight_.end(); ++it) {
        if (it->first != t) continue;
        done = std::move(it->second.done);
        target = std::move(it->second.target);
        in_flight_.erase(it);
        break;
      }
    }
    // Taken: a later refusal of its target starts afresh. Not when its link opens: RabbitMQ opens a
    // link to the exchange and refuses the publish (a routing key the user may not use).
    if (outcome == Outcome::accepted)
      if (auto it = targets_.find(target); it != targets_.end()) it->second.refusals = 0;
    t.settle();
    if (done) done(outcome);
    state_changed_.notify_all();
    pump();
  }

  ConnectionOptions options_;
  BusOptions bus_options_;
  proton::container container_;
  std::thread thread_;

  // Shared with the calling threads.
  mutable sync::Mutex mutex_;
  std::condition_variable state_changed_;
  proton::work_queue* work_queue_ CIMBUS_GUARDED_BY(mutex_) = nullptr;
  bool open_ CIMBUS_GUARDED_BY(mutex_) = false;
  bool stopping_ CIMBUS_GUARDED_BY(mutex_) = false;
  int connections_opened_ CIMBUS_GUARDED_BY(mutex_) = 0;
  std::string current_url_;  // the I/O thread's: the URL tried last, without a password
  std::optional<std::chrono::steady_clock::time_point> lost_at_;  // the I/O thread's: since the last loss
  bool connecting_ CIMBUS_GUARDED_BY(mutex_) = false;   // a connection exists or is being opened
  int attempts_ CIMBUS_GUARDED_BY(mutex_) = 0;          // failed connection attempts since the last open
  std::size_t attached_ CIMBUS_GUARDED_BY(mutex_) = 0;  // receivers attached on the current connection
  std::deque<Receiver> receivers_ CIMBUS_GUARDED_BY(mutex_);  // a deque: handlers are called through stable references
  std::map<std::string, std::size_t> handler_of_ CIMBUS_GUARDED_BY(mutex_);  // source address -> receivers_ index
  std::deque<Pending> waiting_ CIMBUS_GUARDED_BY(mutex_);
  std::deque<std::pair<proton::tracker, Pending>> in_flight_ CIMBUS_GUARDED_BY(mutex_);
  std::map<std::string, std::string> refusal_text_ CIMBUS_GUARDED_BY(mutex_);  // target -> the broker's last refusal

  // I/O thread only.
  std::size_t next_url_ = 0;
  proton::connection connection_;
  std::map<std::string, proton::sender> senders_;
  proton::session publish_session_;  // the senders to the exchange share it: their order holds across keys
  std::set<std::string> isolated_;   // targets refused once, each on a session of its own since
  std::map<std::string, int> receiver_refusals_;  // source -> refusals in a row
  std::map<std::string, Target> targets_;
  std::vector<proton::receiver> open_receivers_;
  std::map<proton::receiver, std::string> receiver_sources_;  // the address each was opened for
  std::map<std::uint64_t, proton::delivery> unsettled_;  // deferred deliveries by id
  std::uint64_t last_delivery_ = 0;
  bool paused_ = false;                              // pause_receiving(): settlements give no credit back
  std::map<proton::receiver, std::uint32_t> withheld_;  // credit not given back while paused
};

Bus::Bus(ConnectionOptions connection, BusOptions options)
    : impl_(std::make_unique<Impl>(std::move(connection), options)) {}

Bus::~Bus() { stop(); }

void Bus::receive(const std::string& source, Handler handler, ReceiveOptions options) {
  impl_->add_receiver(source, std::move(handler), nullptr, options);
}

void Bus::receive_deferred(const std::string& source, DeferredHandler handler, ReceiveOptions options) {
  impl_->add_receiver(source, nullptr, std::move(handler), options);
}

void Bus::start() { impl_->start(); }

bool Bus::wait_connected(std::chrono::milliseconds timeout) { return impl_->wait_connected(timeout); }

bool Bus::wait_ready(std::chrono::milliseconds timeout) { return impl_->wait_ready(timeout); }

std::future<Outcome> Bus::send(const std::string& target, AmqpMessage message) {
  auto promise = std::make_shared<std::promise<Outcome>>();
  std::future<Outcome> result = promise->get_future();
  send(target, std::move(message), [promise](Outcome o) { promise->set_value(o); });
  return result;
}

void Bus::send(const std::string& target, AmqpMessage message, SendCallback done) {
  std::vector<Send> one;
  one.push_back({target, std::move(message), std::move(done)});
  impl_->send(std::move(one));
}

void Bus::send(std::vector<Send> sends) { impl_->send(std::move(sends)); }

std::string Bus::refusal_of(const std::string& target) const { return impl_->refusal_of(target); }

void Bus::settle(std::vector<std::pair<DeliveryId, Outcome>> outcomes) { impl_->settle(std::move(outcomes)); }

void Bus::pause_receiving() { impl_->pause_receiving(); }

void Bus::resume_receiving() { impl_->resume_receiving(); }

void Bus::stop(std::chrono::milliseconds drain) { impl_->stop(drain); }

int Bus::connections_opened() const { return impl_->connections_opened(); }
bool Bus::ready() const { return impl_->ready(); }

}  // namespace cimbus::bus
