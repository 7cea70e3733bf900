#include "delivery_pipeline.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <set>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/bus/reply_correlation.hpp"
#include "cimbus/bus/stored_form.hpp"
#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/operation_set_routing.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "cimbus/runtime/web_callback.hpp"
#include "cimbus/store/savepoint.hpp"
#include "cimbus/store/store_error.hpp"
#include "message_names.hpp"
#include "paging.hpp"

namespace cimbus::adapter::detail {

namespace {

// The AMQP application properties of per-object order (decisions/0032).
constexpr const char* kOrderKey = "cimbus-order-key";
constexpr const char* kOrderNumber = "cimbus-order-number";

using bus::AmqpMessage;
using bus::Outcome;

// A system's answer that says only "taken, the result follows" (IEC 61968-100 8.2).
bool is_acknowledgement(const Envelope& reply) {
  return reply.message().reply().result() != msg::ReplyType_Result::FAILED && has_code(reply, code::kSimpleAcknowledgment);
}

std::string first_reason(const Diagnostics& d) {
  for (const auto& x : d)
    if (x.is_error()) return x.reason;
  return d.empty() ? std::string() : d.front().reason;
}

}  // namespace

// One delivery through the steps of a batch.
struct DeliveryPipeline::Item {
  Delivery delivery;
  DecodeResult decoded;
  std::string key;               // the inbox key: Header/MessageID, else the AMQP message-id
  std::string target;            // where its answer goes ("" = nowhere), set by route()
  std::string misdirected;       // why its ReplyAddress or reply-to is not followed ("" = it is)
  store::Inbox::Entry entry;
  bool counted = false;          // went through the inbox
  bool forwarded = false;        // settled when its call's outcome comes (complete())
  Outcome outcome = Outcome::accepted;
  const char* dead_letter = nullptr;  // why it went to the dead-letter queue, for the metrics
  const char* result = "ok";     // for the metrics (metrics.hpp): ok, failed, duplicate, retried, ...
  std::chrono::steady_clock::duration took{};  // in process(): its handler and bookkeeping
  std::int64_t taken_at_ms = 0;  // when the batch took it (ms since the epoch), for the journal
  mutable std::optional<MessageNames> names;  // what it names, read once (names_of) for its journal row and its reply's

  // Whether the message goes through the inbox: it has a key, it could be read, and it is for
  // this system (not one the broker routed nowhere).
  bool is_recorded() const { return decoded.status != DecodeResult::Status::unreadable && !key.empty() && delivery.queue != Queue::unrouted; }
  bool first_delivery() const { return delivery.message.first_acquirer; }
  bool wants_async_ack() const {
    const auto& h = decoded.envelope.message().header();
    return delivery.queue == Queue::requests && decoded.accepted() && h.async_reply_flag() && !h.reply_address().empty();
  }
  // Requests are answered; events only when they ask for an acknowledgement; replies never.
  bool answers() const {
    return delivery.queue == Queue::requests || (delivery.queue == Queue::events && decoded.envelope.message().header().ack_required());
  }
};

struct DeliveryPipeline::InFlight {
  Item item;
  bool answer = false;
  std::vector<bus::DeliveryId> waiting;  // later deliveries of the same MessageID
};

DeliveryPipeline::DeliveryPipeline(const AdapterOptions& options, XmlCodec& codec, store::Store& store, OutboxPump& outbox,
                                   RequestTracker& requests, SystemResults& results, const HandlerTable& handlers,
                                   const ReplyOptions& reply_options, RuntimeLog& log, JournalWriter& journal, ReplyDestinations::ReachesWeb reaches_web)
    : options_(options),
      codec_(codec),
      store_(store),
      outbox_(outbox),
      requests_(requests),
      results_(results),
      handlers_(handlers),
      reply_options_(reply_options),
      log_(log),
      journal_(journal),
      operation_sets_(codec, handlers.requests, reply_options),
      destinations_(options.profile, {options.config.reply_queues().begin(), options.config.reply_queues().end()}, std::move(reaches_web)),
      authorizations_({options.config.authorizations().begin(), options.config.authorizations().end()}),
      reply_address_(options.config.broker().routed_replies() ? options.profile.routed_reply_address(bus::reply_queue(options.config.instance()))
                                                               : bus::reply_queue(options.config.instance())) {
  execute_ = [this](Context& c) { operation_sets_.execute(c); };
}

DeliveryPipeline::~DeliveryPipeline() = default;

// A delivery decoded, keyed (Header/MessageID, else the AMQP message-id) and routed.
DeliveryPipeline::Item DeliveryPipeline::item_of(Delivery delivery) {
  Item item;
  if (delivery.message.unreadable.empty()) item.decoded = codec_.decode(delivery.message.body);
  else item.decoded.diagnostics.push_back(diagnostic(code::kNotAttempted, "the AMQP message cannot be taken: " + delivery.message.unreadable));
  item.delivery = std::move(delivery);
  const auto& header = item.decoded.envelope.message().header();
  item.key = !header.message_id().empty() ? header.message_id() : item.delivery.message.message_id;
  item.taken_at_ms = epoch_ms();
  route(item);
  return item;
}

DeliveryPipeline::Settlements DeliveryPipeline::handle(std::vector<Delivery> batch) {
  std::vector<Item> items;
  items.reserve(batch.size());
  for (Delivery& d : batch) {
    items.push_back(item_of(std::move(d)));
    if (!items.back().first_delivery()) log_.metrics().redelivery();
  }
  std::vector<Group> groups = grouped(items, [](Item& item) { return &item; });
  Settlements outcomes;
  std::set<std::string> seen;  // a MessageID twice in one batch runs once
  commit_each(groups, outcomes, [&](Group& group) {
    commit_group(group, seen);
    for (const Item* item : group)
      if (!item->forwarded) outcomes.emplace_back(item->delivery.id, item->outcome);
  }, [this](const Item* item) { owed_.emplace_back(item->delivery.id, Outcome::released); });
  return outcomes;
}

// One transaction for the whole, and one of its own for each message whose changes failed to
// commit before, so that it takes no other message with it (failed_commit()). `item_of` gives a
// member's Item, or nullptr for one to leave out.
template <class Member, class ItemOf>
std::vector<std::vector<Member*>> DeliveryPipeline::grouped(std::vector<Member>& members, ItemOf item_of) const {
  std::vector<std::vector<Member*>> groups(1);
  for (Member& m : members) {
    const Item* item = item_of(m);
    if (item == nullptr) continue;
    if (failed_commits_.count(failure_key(*item)) > 0) groups.push_back({&m});
    else groups.front().push_back(&m);
  }
  return groups;
}

// Commits each group with `commit`, which adds its settlements to `settled`. When the store
// fails, what committed and, through `release`, the rest are owed to the broker (take_owed()),
// and the failure goes on to the adapter.
template <class Member, class Commit, class Release>
void DeliveryPipeline::commit_each(std::vector<std::vector<Member*>>& groups, const Settlements& settled, Commit commit, Release release) {
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].empty()) continue;
    try {
      commit(groups[g]);
    } catch (...) {
      owed_.insert(owed_.end(), settled.begin(), settled.end());
      for (std::size_t rest = g; rest < groups.size(); ++rest)
        for (const Member* m : groups[rest]) release(m);
      throw;
    }
  }
}

// Counts the attempts, then runs the handlers, their replies and effects, one savepoint each, in
// one transaction. A failure that the store's state explains (is_store_failure, or a store that
// takes no write now) is thrown, for the adapter to wait for the store; any other failure of
// the transaction is blamed on its messages (failed_commit()).
void DeliveryPipeline::commit_group(Group& group, std::set<std::string>& seen) {
  const UndoPoint undo_point = this->undo_point();
  try {
    count_attempts(group);
    store::Transaction tx = store_.begin();
    if (outbox_.has_accepted_rows()) outbox_.remove_accepted(tx);
    for (Item* item : group) {
      if (item->is_recorded()) {
        const bool first_in_batch = seen.insert(item->key).second;
        // Not counted yet, or counted before the first one in this batch left its outcome.
        if (!item->counted || !first_in_batch) {
          item->entry = store_.inbox().look(tx, item->key, !item->first_delivery());
          item->counted = true;
        }
      }
      const auto started = std::chrono::steady_clock::now();
      process(tx, *item);
      if (!item->entry.stored) keep_attempt(tx, *item);
      item->took = std::chrono::steady_clock::now() - started;
      if (!item->forwarded) note_in_journal(tx, *item);
    }
    tx.commit();
  } catch (const std::exception& e) {
    undo(undo_point, group);
    if (store::is_store_failure(e) || !store_works()) throw;
    failed_commit(group, e.what());
    for (Item* item : group) {
      item->dead_letter = nullptr;  // rolled back with the rest
      measure(*item);
    }
    return;
  }
  requests_.after_commit();
  for (const Item* item : group) {
    failed_commits_.erase(failure_key(*item));
    if (!item->forwarded) measure(*item);
  }
}

// A message look() found new and that nothing finished (retried, forwarded, parked): its row,
// with this attempt counted.
void DeliveryPipeline::keep_attempt(store::Transaction& tx, Item& item) {
  store_.inbox().add(tx, item.key, item.entry);
  item.entry.stored = true;
}

// The message in the journal, with its result, in the transaction that took it.
void DeliveryPipeline::note_in_journal(store::Transaction& tx, const Item& item) {
  const auto& h = item.decoded.envelope.message().header();
  JournalWriter::TakenIn in;
  const bool readable = item.decoded.status != DecodeResult::Status::unreadable;
  in.kind = !readable ? "unreadable" : item.delivery.queue == Queue::unrouted ? "unrouted"
          : item.delivery.queue == Queue::requests                          ? "request"
          : item.delivery.queue == Queue::events                            ? "event"
                                                                             : "reply";
  in.noun = h.noun();
  in.verb = readable ? to_literal(h.verb()) : std::string();
  in.message_id = item.key;
  in.correlation_id = !h.correlation_id().empty() ? h.correlation_id() : item.delivery.message.correlation_id;
  in.source = !h.source().empty() ? h.source() : std::string(to_string(item.delivery.queue));
  in.result = is_redriven(item) ? std::string(item.result) + " (redriven)" : std::string(item.result);
  for (const auto& d : item.decoded.diagnostics)
    if (d.is_error()) in.codes += (in.codes.empty() ? "" : " ") + d.code;
  in.body = &item.delivery.message.body;
  in.names = names_of(item);
  in.at_ms = item.taken_at_ms;
  journal_.taken_in(tx, in);
}

// What the message names, read once (nullptr when no journal is kept).
const MessageNames* DeliveryPipeline::names_of(const Item& item) {
  if (!journal_.on()) return nullptr;
  if (!item.names) item.names = scan_names(item.delivery.message.body);
  return &*item.names;
}

// Sent back from the dead-letter queue by `cimbus dead redrive`.
bool DeliveryPipeline::is_redriven(const Item& item) { return item.delivery.message.properties.count("x-cimbus-redriven") > 0; }

const msg::HeaderType& DeliveryPipeline::h_of(const Item& item) { return item.decoded.envelope.message().header(); }

// The message a log line is about.
LogIds DeliveryPipeline::ids_of(const Item& item) {
  const auto& h = item.decoded.envelope.message().header();
  return {item.key, !h.correlation_id().empty() ? h.correlation_id() : item.delivery.message.correlation_id};
}

// A message's result and handling time, in the metrics, once its transaction is over; a debug line.
void DeliveryPipeline::measure(const Item& item) {
  const auto& h = item.decoded.envelope.message().header();
  const std::string noun = h.noun().empty() ? "unknown" : h.noun();
  const std::string verb = item.decoded.status == DecodeResult::Status::unreadable ? "unknown" : to_literal(h.verb());
  if (log_.log().enabled(Log::Level::debug))
    log_.log().debug(std::string("took in ") + verb + " " + noun + " on " + to_string(item.delivery.queue) + ": " + item.result, ids_of(item));
  log_.metrics().message(Metrics::Direction::in, noun, verb, item.result);
  if (item.took.count() > 0) log_.metrics().handler_time(noun, verb, item.took);
  if (item.dead_letter != nullptr) log_.metrics().dead_letter(item.dead_letter);
}

DeliveryPipeline::UndoPoint DeliveryPipeline::undo_point() const { return {to_forward_.size(), last_call_}; }

// A transaction rolled back: what this process noted in memory on its way goes too.
void DeliveryPipeline::undo(const UndoPoint& point, const Group& group) {
  // Rows kept in memory may be of it; and rows the broker accepted, whose removal it held, are read
  // back and sent again (receivers drop the copies by MessageID).
  outbox_.reset();
  requests_.after_rollback();
  to_forward_.resize(point.to_forward);
  std::set<bus::DeliveryId> ids;
  for (Item* item : group) {
    ids.insert(item->delivery.id);
    item->forwarded = false;
  }
  for (auto it = in_flight_.begin(); it != in_flight_.end();) {
    if (it->first > point.last_call) {
      it = drop_call(it);
      continue;
    }
    auto& waiting = it->second->waiting;
    waiting.erase(std::remove_if(waiting.begin(), waiting.end(), [&](bus::DeliveryId id) { return ids.count(id) > 0; }), waiting.end());
    ++it;
  }
}

bool DeliveryPipeline::store_works() {
  try {
    store_.check_writable();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// A transaction failed because of what its messages wrote (a constraint checked at commit, a
// damaged page their rows reach) while the store works: the inbox cannot count such attempts, so
// they are counted here, and with the broker's delivery count where it gives one. Each message
// of a failed batch is tried again alone; one that fails alone max_attempts times is given up
// (give_up(), in a transaction of its own); when even that fails, it is rejected, and the broker
// moves it to the queue's dead-letter queue.
void DeliveryPipeline::failed_commit(const Group& group, const std::string& cause) {
  if (failed_commits_.size() > kMaxFailedCommits) failed_commits_.clear();  // bounded: the inbox counts too, where it can
  if (group.size() > 1) {
    log_.log().error("a batch of " + std::to_string(group.size()) + " messages failed to commit (" + cause +
                     "); each is tried again alone");
    for (Item* item : group) {
      failed_commits_.try_emplace(failure_key(*item), FailedCommits{0, cause});
      item->outcome = Outcome::released;
      item->result = "retried";
    }
    return;
  }
  Item& item = *group.front();
  const bool was_giving_up = giving_up(item);
  FailedCommits& failed = failed_commits_[failure_key(item)];
  failed.count = std::max(failed.count + 1, static_cast<int>(item.delivery.message.delivery_count));
  failed.cause = cause;
  const std::string name = item.key.empty() ? "a message without MessageID" : item.key;
  if (was_giving_up) {
    log_.log().error(name + " is rejected, to the broker's dead-letter queue: its changes failed to commit " + std::to_string(failed.count) +
                     " times (" + cause + "), and so did giving it up", ids_of(item));
    item.result = "dead";
    log_.count([](AdapterStats& s) { ++s.dead; });
    log_.metrics().dead_letter("commit");  // by the broker's dead-letter exchange
    failed_commits_.erase(failure_key(item));
    item.outcome = Outcome::rejected;
    return;
  }
  log_.log().error(name + " failed to commit (attempt " + std::to_string(failed.count) + " of " + std::to_string(options_.config.max_attempts()) +
                   "): " + cause, ids_of(item));
  last_error_[item.key] = "its changes failed to commit: " + cause;
  item.result = "retried";
  log_.count([](AdapterStats& s) { ++s.retried; });
  item.outcome = Outcome::released;
}

// Whether `item`'s changes failed to commit max_attempts times: this delivery gives it up.
bool DeliveryPipeline::giving_up(const Item& item) const {
  auto failed = failed_commits_.find(failure_key(item));
  return failed != failed_commits_.end() && failed->second.count >= options_.config.max_attempts();
}

// What failed commits are counted by: the inbox key, else the message's bytes.
std::string DeliveryPipeline::failure_key(const Item& item) {
  if (!item.key.empty()) return item.key;
  return "body:" + std::to_string(std::hash<std::string>{}(item.delivery.message.body));
}

DeliveryPipeline::Settlements DeliveryPipeline::take_owed() {
  Settlements owed;
  owed.swap(owed_);
  return owed;
}

std::vector<ForwardedCall> DeliveryPipeline::take_forwarded() {
  std::vector<ForwardedCall> out;
  out.swap(to_forward_);
  return out;
}

// Outside the transaction: the call (its message and prepared reply) goes to a call thread; the
// delivery stays unsettled until complete(). A crash meanwhile leaves the attempt counted and the
// delivery with the broker, which gives it again.
void DeliveryPipeline::forward(Item& item, const SystemCall& call, bool answer) {
  item.forwarded = true;
  if (auto busy = in_flight_keys_.find(item.key); !item.key.empty() && busy != in_flight_keys_.end()) {
    in_flight_.at(busy->second)->waiting.push_back(item.delivery.id);
    return;
  }
  ForwardedCall fc;
  fc.number = ++last_call_;
  fc.call = &call;
  fc.attempt = std::max(1, item.entry.attempts);
  fc.message = item.decoded.envelope;
  fc.reply = initial_reply(item, answer);
  if (!item.key.empty()) in_flight_keys_[item.key] = fc.number;
  auto flight = std::make_unique<InFlight>(InFlight{item, answer, {}});
  // Its inbox row is written with the batch (keep_attempt), which commits before the call starts.
  flight->item.entry.stored = true;
  in_flight_.emplace(fc.number, std::move(flight));
  to_forward_.push_back(std::move(fc));
}

DeliveryPipeline::Settlements DeliveryPipeline::complete(std::vector<CallOutcome> outcomes) {
  std::vector<std::vector<CallOutcome*>> groups = grouped(outcomes, [this](CallOutcome& o) -> const Item* {
    auto it = in_flight_.find(o.number);
    return it == in_flight_.end() ? nullptr : &it->second->item;
  });
  Settlements settle;
  commit_each(groups, settle, [&](const std::vector<CallOutcome*>& group) { complete_group(group, settle); },
              [this](const CallOutcome* o) { end_call(o->number, Outcome::released, owed_); });
  return settle;
}

void DeliveryPipeline::complete_group(const std::vector<CallOutcome*>& group, Settlements& settle) {
  const UndoPoint undo_point = this->undo_point();
  Group items;
  for (const CallOutcome* o : group) items.push_back(&in_flight_.at(o->number)->item);
  try {
    store::Transaction tx = store_.begin();
    if (outbox_.has_accepted_rows()) outbox_.remove_accepted(tx);
    for (CallOutcome* o : group) {
      complete_call(tx, *o);
      note_in_journal(tx, in_flight_.at(o->number)->item);
    }
    tx.commit();
  } catch (const std::exception& e) {
    undo(undo_point, items);
    if (store::is_store_failure(e) || !store_works()) throw;
    failed_commit(items, e.what());
    for (Item* item : items) {
      item->dead_letter = nullptr;  // rolled back with the rest
      measure(*item);
    }
    for (const CallOutcome* o : group) end_call(o->number, in_flight_.at(o->number)->item.outcome, settle);
    return;
  }
  requests_.after_commit();
  for (const CallOutcome* o : group) {
    failed_commits_.erase(failure_key(in_flight_.at(o->number)->item));
    measure(in_flight_.at(o->number)->item);
    end_call(o->number, in_flight_.at(o->number)->item.outcome, settle);
  }
}

// One call's outcome, in `tx`: its reply, refusal, acknowledgement, or a failure that the broker's
// next delivery tries again.
void DeliveryPipeline::complete_call(store::Transaction& tx, CallOutcome& o) {
  InFlight& f = *in_flight_.at(o.number);
  Item& item = f.item;
  const auto& h = item.decoded.envelope.message().header();
  if (!o.failure.empty()) {
    // Nothing committed for it: the broker gives the delivery again, counted by the inbox.
    log_.log().error(h.noun() + " " + to_literal(h.verb()) + " " + item.key + " (attempt " + std::to_string(item.entry.attempts) +
                     "): the system's call failed: " + o.failure, ids_of(item));
    last_error_[item.key] = "the system's call failed: " + o.failure;
    item.outcome = Outcome::released;
    item.result = "retried";
    log_.count([](AdapterStats& s) { ++s.retried; });
  } else if (o.refused) {
    Diagnostics errors = warnings_of(item);
    errors.insert(errors.end(), o.refused->begin(), o.refused->end());
    answer_failed(tx, item, errors, f.answer);
    last_error_.erase(item.key);
    item.result = "failed";
    log_.count([](AdapterStats& s) { ++s.failed; });
  } else if (f.answer && item.delivery.queue == Queue::requests && item.counted && is_acknowledgement(o.reply)) {
    // The system sends the result later, to the adapter's Response service (SystemResults).
    results_.await(tx, item.key, item.decoded.envelope, item.target, std::move(o.reply), bus::reply_correlation(item.delivery.message));
    last_error_.erase(item.key);
    item.result = "acknowledged";
  } else {
    answer_with(tx, item, std::move(o.reply), f.answer);
    last_error_.erase(item.key);
    item.result = "ok";
    log_.count([](AdapterStats& s) { ++s.handled; });
  }
}

// The call `number` is over: its delivery and those that waited for it are settled with `outcome`.
void DeliveryPipeline::end_call(std::uint64_t number, Outcome outcome, Settlements& settle) {
  auto it = in_flight_.find(number);
  if (it == in_flight_.end()) return;
  const InFlight& f = *it->second;
  settle.emplace_back(f.item.delivery.id, outcome);
  for (const bus::DeliveryId& id : f.waiting) settle.emplace_back(id, outcome);
  drop_call(it);
}

// Forgets a call in flight, and its MessageID's mapping when that is still this call's.
DeliveryPipeline::InFlightCalls::iterator DeliveryPipeline::drop_call(InFlightCalls::iterator it) {
  if (auto key = in_flight_keys_.find(it->second->item.key); key != in_flight_keys_.end() && key->second == it->first) in_flight_keys_.erase(key);
  return in_flight_.erase(it);
}

// Only for the messages that need it: counts the attempt of a redelivered message before its
// handler runs, so that a message that crashes this process is still given up after
// max_attempts; and acknowledges asynchronous requests at once. Without an fsync: the count must
// survive a crash of the process, not of the machine, and the batch's commit makes it durable
// anyway; an acknowledgement lost to a power cut is not missed, the final reply follows. A first
// delivery (the broker says no one took it before) is counted in the batch's transaction: the
// page writes of a separate transaction are a large share of an adapter's cost (bench/).
void DeliveryPipeline::count_attempts(const Group& group) {
  std::vector<Item*> to_count;
  for (Item* item : group)
    if (item->is_recorded() && (!item->first_delivery() || item->wants_async_ack())) to_count.push_back(item);
  if (to_count.empty()) return;
  store::Transaction tx = store_.begin(store::Durability::relaxed);
  if (outbox_.has_accepted_rows()) outbox_.remove_accepted(tx);
  for (Item* item : to_count) {
    item->entry = store_.inbox().take(tx, item->key, !item->first_delivery());
    item->counted = true;
    if (item->entry.state == store::Inbox::State::fresh && item->entry.attempts == 1 && item->wants_async_ack())
      acknowledge_async(tx, *item);
  }
  tx.commit();
}

void DeliveryPipeline::acknowledge_async(store::Transaction& tx, const Item& item) {
  const Envelope& request = item.decoded.envelope;
  const auto& h = request.message().header();
  if (!item.misdirected.empty()) return;  // refused in process(), not acknowledged
  // The immediate answer goes where a synchronous reply would; the result follows at ReplyAddress.
  // A web-service callback gets the result only: its caller is on the bus, at the reply-to if any.
  const std::string& at = !item.delivery.message.reply_to.empty() || is_callback_url(h.reply_address()) ? item.delivery.message.reply_to : h.reply_address();
  const auto to = destinations_.address(at);
  if (!to) return;
  Envelope ack = make_reply(request, msg::ReplyType_Result::OK,
                            {diagnostic(code::kSimpleAcknowledgment, "Accepted; the result follows at " + h.reply_address(), Level::inform)},
                            reply_options_);
  enqueue(tx, *to, ack, &item.delivery.message);
}

// Per-object order (decisions/0032): a message numbered for its object is taken in its turn; one
// that came early is parked, and taken when the one before it has been (or its wait ended).
void DeliveryPipeline::process(store::Transaction& tx, Item& item) {
  std::optional<OrderPlace> place = order_place(item);
  if (place) {
    switch (store_.object_order().turn(tx, place->key, place->number)) {
      case store::ObjectOrder::Turn::early:
        return park(tx, item, *place);
      case store::ObjectOrder::Turn::late:
        // A redelivery of a message taken before: answered as a duplicate, its number long passed.
        if (item.counted && item.entry.state != store::Inbox::State::fresh) {
          place.reset();
          break;
        }
        log_.log().warn(h_of(item).noun() + " " + to_literal(h_of(item).verb()) + " " + item.key + " (number " + std::to_string(place->number) +
                            " of " + place->key + ") came after a later one was taken (its wait had ended): taken now, out of turn",
                        ids_of(item));
        break;
      case store::ObjectOrder::Turn::now:
        break;
    }
  }
  process_message(tx, item);
  // Done with, whatever the outcome, unless it goes back to the broker to be tried again or
  // waits for a call to a system outside.
  if (place && !item.forwarded && item.outcome != Outcome::released) take_in_turn(tx, *place);
}

std::optional<DeliveryPipeline::OrderPlace> DeliveryPipeline::order_place(const Item& item) const {
  if (options_.config.order_wait_ms() < 0) return std::nullopt;
  if (item.delivery.queue != Queue::requests && item.delivery.queue != Queue::events) return std::nullopt;
  if (item.decoded.status == DecodeResult::Status::unreadable || !item.is_recorded()) return std::nullopt;
  // A message handled or given up before keeps its place: a sender that sends it again numbers it
  // anew (a web-service client calling again with the same MessageID), and the number after it
  // must not wait for one that never comes. In its turn it is answered as a duplicate.
  const auto& properties = item.delivery.message.properties;
  const auto key = properties.find(kOrderKey), number = properties.find(kOrderNumber);
  if (key == properties.end() || number == properties.end()) return std::nullopt;
  // Odd properties (no number, an absurd key) leave the message unordered rather than stuck.
  OrderPlace place{key->second, 0};
  const std::string& digits = number->second;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), place.number);
  if (error != std::errc() || end != digits.data() + digits.size() || place.number < 1 || place.key.empty() || place.key.size() > 1024)
    return std::nullopt;
  // A message for a system outside the process is handed to it in delivery order (forward()).
  const auto& h = item.decoded.envelope.message().header();
  if (handlers_.find(item.delivery.queue, h.noun(), h.verb()) == nullptr && handlers_.find_forwarded(h.noun(), h.verb()) != nullptr)
    return std::nullopt;
  return place;
}

// Kept in the store until its turn; the delivery is accepted once that commits.
void DeliveryPipeline::park(store::Transaction& tx, Item& item, const OrderPlace& place) {
  store::ObjectOrder::Parked parked{place.key, place.number, std::string(to_string(item.delivery.queue)), bus::to_stored(item.delivery.message),
                                    epoch_ms()};
  store_.object_order().park(tx, parked);
  item.result = "parked";
  log_.log().debug(h_of(item).noun() + " " + to_literal(h_of(item).verb()) + " " + item.key + " is parked: number " + std::to_string(place.number) +
                       " of " + place.key + " came before its turn",
                   ids_of(item));
}

// `place` taken: the messages parked after it are taken in turn, in this transaction.
void DeliveryPipeline::take_in_turn(store::Transaction& tx, OrderPlace place) {
  store::ObjectOrder& order = store_.object_order();
  order.taken(tx, place.key, place.number);
  while (auto next = order.unpark(tx, place.key, place.number + 1)) {
    if (!run_parked(tx, *next)) return;
    order.taken(tx, place.key, ++place.number);
  }
}

// A parked message through the pipeline as if delivered now (its delivery was settled when it was
// parked). False when it is to be tried again: parked again, for the overdue sweep.
bool DeliveryPipeline::run_parked(store::Transaction& tx, const store::ObjectOrder::Parked& parked) {
  Delivery delivery;
  delivery.queue = parked.queue == to_string(Queue::events) ? Queue::events : Queue::requests;
  delivery.message = bus::from_stored(parked.message);
  Item item = item_of(std::move(delivery));
  if (item.is_recorded()) {
    item.entry = store_.inbox().take(tx, item.key, true);
    item.counted = true;
  }
  process_message(tx, item);
  if (item.outcome == Outcome::released) {
    store::ObjectOrder::Parked again = parked;
    again.parked_ms = epoch_ms();
    store_.object_order().park(tx, again);
    return false;
  }
  note_in_journal(tx, item);
  measure(item);
  return true;
}

void DeliveryPipeline::release_overdue() {
  const int wait_ms = options_.config.order_wait_ms();
  const auto now = std::chrono::steady_clock::now();
  if (wait_ms < 0 || now < next_overdue_look_) return;
  next_overdue_look_ = now + std::chrono::seconds(1);
  const auto due = store_.object_order().overdue(epoch_ms() - wait_ms, 64);
  if (due.empty()) return;
  const UndoPoint undo_point = this->undo_point();
  try {
    store::Transaction tx = store_.begin();
    for (const store::ObjectOrder::Parked& p : due) {
      if (!store_.object_order().unpark(tx, p.key, p.number)) continue;  // another instance took it
      log_.log().warn("number " + std::to_string(p.number) + " of " + p.key + " waited " + std::to_string(wait_ms) +
                      " ms for the one before it: taken without it (order_wait_ms)");
      log_.metrics().order_gap();
      if (run_parked(tx, p)) take_in_turn(tx, {p.key, p.number});
    }
    tx.commit();
  } catch (const std::exception& e) {
    undo(undo_point, {});
    if (store::is_store_failure(e)) throw;
    log_.log().error(std::string("taking the parked messages whose wait ended failed: ") + e.what() + "; tried again in a second");
    return;
  }
  requests_.after_commit();
}

void DeliveryPipeline::process_message(store::Transaction& tx, Item& item) {
  const AmqpMessage& amqp = item.delivery.message;
  const Envelope& message = item.decoded.envelope;
  if (giving_up(item)) {  // its changes failed to commit max_attempts times (failed_commit())
    if (item.is_recorded()) give_up(tx, item);
    else dead_letter(tx, item, "commit", std::to_string(failed_commits_[failure_key(item)].count) + " attempts failed: " + last_error_[item.key]);
    item.result = "dead";
    log_.count([](AdapterStats& s) { ++s.dead; });
    return;
  }
  if (item.delivery.queue == Queue::unrouted) return report_unrouted(tx, item);
  if (item.decoded.status == DecodeResult::Status::unreadable) {
    // No header to answer: a FaultMessage to the AMQP reply-to, and the bytes kept for people.
    // Its AMQP correlation-id names the message it answers, as a JMS peer expects.
    Envelope fault = answer_rejection(item.decoded, reply_options_);
    if (auto to = destinations_.address(amqp.reply_to)) enqueue(tx, *to, fault, &amqp);
    const std::string why = "unreadable: " + item.decoded.primary_code() + " " + first_reason(item.decoded.diagnostics);
    log_.log().warn("a delivery on " + std::string(to_string(item.delivery.queue)) + " (message-id " + amqp.message_id + ") is dead-lettered, " + why);
    dead_letter(tx, item, "unreadable", why);
    item.result = "failed";
    log_.count([](AdapterStats& s) { ++s.failed; });
    return;
  }
  const bool query = message.message().header().verb() == msg::HeaderType_Verb::get;
  if (item.counted) {
    // A query has no effects: a replay of a get simply runs again and gets every page.
    // A reply seen before is taken again when its request is awaited again: the request was sent
    // once more with the same MessageID (a caller's retry), and the responder's inbox answered it
    // with the reply it gave the first time.
    const bool handled_before = item.entry.state == store::Inbox::State::handled && !query;
    const bool awaited_again =
        handled_before && item.delivery.queue == Queue::replies && requests_.awaits(tx, correlation_of(item));  // looked up for repeats only
    if (handled_before && !awaited_again) {
      // Executed before: the requester gets the same reply again, with the same MessageID.
      if (item.entry.reply) answer_replay(tx, item);
      item.result = "duplicate";
      log_.count([](AdapterStats& s) { ++s.duplicates; });
      return;
    }
    if (item.entry.state == store::Inbox::State::dead && is_redriven(item) && store_.inbox().revive(tx, item.key)) {
      // Sent back from the dead-letter queue after a fix (cimbus dead redrive): tried afresh.
      log_.log().info(h_of(item).noun() + " " + to_literal(h_of(item).verb()) + " " + item.key + " is redriven from the dead-letter queue: tried again",
                      ids_of(item));
      item.entry.state = store::Inbox::State::fresh;
      item.entry.attempts = 1;
      item.entry.reason.clear();
      last_error_.erase(item.key);
    }
    if (item.entry.state == store::Inbox::State::dead) {
      answer_failed(tx, item, {diagnostic(code::kTransactionFailed, "this message was given up before: " + item.entry.reason)}, item.answers());
      item.result = "duplicate";
      log_.count([](AdapterStats& s) { ++s.duplicates; });
      return;
    }
    if (item.entry.attempts > options_.config.max_attempts()) {
      give_up(tx, item);
      return;
    }
  }
  if (item.decoded.status == DecodeResult::Status::rejected && item.delivery.queue == Queue::replies) {
    take_invalid_reply(tx, item);
    return;
  }
  if (item.decoded.status == DecodeResult::Status::rejected) {
    if (item.delivery.queue == Queue::events)
      dead_letter(tx, item, "invalid", "invalid event: " + item.decoded.primary_code() + " " + first_reason(item.decoded.diagnostics));
    answer_failed(tx, item, item.decoded.diagnostics, item.answers());
    item.result = "failed";
    log_.count([](AdapterStats& s) { ++s.failed; });
    return;
  }
  if (item.delivery.queue != Queue::replies && is_foreign_context(message)) return refuse_foreign_context(tx, item);
  if (item.delivery.queue != Queue::replies) {
    if (auto denied = authorizations_.refusal(message)) return refuse_checked(tx, item, *denied, "authorisation");
    if (auto replay = replay_of(tx, item)) return refuse_checked(tx, item, *replay, "ReplayDetection");
  }
  switch (item.delivery.queue) {
    case Queue::requests: handle_request(tx, item); break;
    case Queue::events: handle_event(tx, item); break;
    case Queue::replies: handle_reply(tx, item); break;
    case Queue::unrouted: break;  // reported above
  }
}

// A message the broker routed nowhere: no queue is bound to its routing key (a noun or verb no
// system serves, a typing error, a system not configured yet). Not handled, but reported
// (decisions/0020):
//   - a request, or anything unreadable: an error, the `unrouted` count, and a copy in this
//     system's dead-letter queue with the reason;
//   - an event: published while no system subscribes to it, which is no error of its sender; a
//     warning once per routing key, the `unrouted` count, and not kept (kept, every event nobody
//     subscribes to would pile up for ever);
//   - a message of another context (several contexts named apart on one virtual host): kept in
//     the dead-letter queue with the reason, and not answered, since nothing crosses contexts;
// and when its sender gave a reply destination (the AMQP reply-to, else the ReplyAddress), FAILED
// 2.5 there, so that a requester, or `cimbus send`, learns it at once.
void DeliveryPipeline::report_unrouted(store::Transaction& tx, Item& item) {
  const auto& h = item.decoded.envelope.message().header();
  const bool readable = item.decoded.status != DecodeResult::Status::unreadable && !h.noun().empty();
  // The broker does not say which key its sender used; the Header's is the key cimbus would use.
  const std::string key =
      readable && h.verb() != msg::HeaderType_Verb::reply ? options_.naming.routing_key(routed_noun(item.decoded.envelope), h.verb()) : std::string();
  const std::string source = source_of(h);
  item.result = "unrouted";
  log_.count([](AdapterStats& s) { ++s.unrouted; });
  if (readable && is_foreign_context(item.decoded.envelope)) {  // kept, but not answered across contexts
    log_.warn_once("unrouted context " + h.context(), "messages of context " + h.context() + " route nowhere (first: " + key + " from " + source + "); moved to " +
                   outbox_.dead_letter_target() + ", not answered from context " + options_.config.context());
    dead_letter(tx, item, "unrouted", "routed nowhere: no queue is bound to its routing key (for its Header: " + key + "); Context " + h.context() +
                              " is not this adapter's (" + options_.config.context() + "), so it is not answered");
    return;
  }
  if (readable && is_event_verb(h.verb())) {
    log_.warn_once(key + " events are published (first by " + source + ") but no system subscribes to them: counted, not kept");
  } else {
    const std::string why = "routed nowhere: no queue is bound to its routing key" + (key.empty() ? std::string() : " (for its Header: " + key + ")");
    log_.log().error("a message from " + source + " (MessageID " +
                     (item.key.empty() ? std::string("none") : item.key) + ") was " + why + "; moved to " + outbox_.dead_letter_target());
    dead_letter(tx, item, "unrouted", why);
  }
  if (!readable || h.verb() == msg::HeaderType_Verb::reply) return;
  const auto to = destinations_.address(item.delivery.message.reply_to).value_or(destinations_.address(h.reply_address()).value_or(""));
  if (to.empty()) return;
  Envelope reply = make_reply(item.decoded.envelope, msg::ReplyType_Result::FAILED,
                              {diagnostic(code::kInvalidNoun, "no system serves " + to_literal(h.verb()) + " " + h.noun() +
                                                                  ": the broker routed it nowhere, no queue is bound to its routing key")},
                              reply_options_);
  enqueue(tx, to, reply, &item.delivery.message);
}

// Who sent a message, for the log.
std::string DeliveryPipeline::source_of(const msg::HeaderType& header) {
  return header.source().empty() ? std::string("an unknown source") : header.source();
}

// A message of another context than the adapter's (IEC 61968-100 6.3.2: "no opportunity for a
// message related to a training activity to be injected into a production activity"). One without
// Context is taken as the adapter's: systems that never set it keep working.
bool DeliveryPipeline::is_foreign_context(const Envelope& message) const {
  const std::string& own = options_.config.context();
  const std::string& given = message.message().header().context();
  return !own.empty() && !given.empty() && given != own;
}

// IEC 61968-100 6.3.2 ReplayDetection: why the message is a replay, or missing where required
// (config replay_detection); nullopt when it may be executed. Its Nonce is noted, per Source, in
// the transaction that handles it, so that a failed attempt notes nothing.
std::optional<Diagnostic> DeliveryPipeline::replay_of(store::Transaction& tx, const Item& item) {
  const auto& h = item.decoded.envelope.message().header();
  const config::ReplayDetection& rules = options_.config.replay_detection();
  if (!h.has_replay_detection()) {
    if (!rules.required()) return std::nullopt;
    return diagnostic_at(code::kAuthenticationRequired, "ReplayDetection (Nonce and Created) is required by this adapter and the message has none",
                         "/Header/ReplayDetection");
  }
  const auto& r = h.replay_detection();
  const std::int64_t now = epoch_ms();
  const std::optional<std::int64_t> created = parse_timestamp_ms(r.created());
  if (!created)
    return diagnostic_at(code::kAuthenticationFailure, "ReplayDetection/Created '" + r.created() + "' names no instant (a time zone is needed)",
                         "/Header/ReplayDetection/Created");
  const std::int64_t window_ms = std::int64_t{rules.window_s()} * 1000;
  if (*created < now - window_ms || *created > now + window_ms)
    return diagnostic_at(code::kAuthenticationFailure,
                         "ReplayDetection/Created " + r.created() + " is " + std::to_string(std::llabs(now - *created) / 1000) + " s " +
                             (*created < now ? "behind" : "ahead of") + " this adapter's clock; a message is taken within " +
                             std::to_string(rules.window_s()) + " s either way",
                         "/Header/ReplayDetection/Created");
  if (!store_.seen_nonces().note(tx, h.source(), r.nonce(), item.key, now))
    return diagnostic_at(code::kAuthenticationFailure,
                         "ReplayDetection/Nonce " + r.nonce() + " from " + source_of(h) + " was seen before in another message: a replay",
                         "/Header/ReplayDetection/Nonce");
  return std::nullopt;
}

// Refused by a message-level check (authorisation, ReplayDetection): logged, each (an attack or a
// fault worth seeing), counted, not executed.
void DeliveryPipeline::refuse_checked(store::Transaction& tx, Item& item, const Diagnostic& why, const std::string& check) {
  const auto& h = item.decoded.envelope.message().header();
  log_.log().warn(h.noun() + " " + to_literal(h.verb()) + " " + item.key + " from " + source_of(h) + " refused by " + check + ": " + why.code +
                  " " + why.reason, ids_of(item));
  item.result = "refused";
  log_.count([](AdapterStats& s) { ++s.security_refusals; });
  refuse_unexecuted(tx, item, why, check);
}

// Not executed: a request is answered FAILED with `why`; an event is dead-lettered with the reason
// ("<check>: <why>") and answered so when it asks for an acknowledgement.
void DeliveryPipeline::refuse_unexecuted(store::Transaction& tx, Item& item, const Diagnostic& why, const std::string& check) {
  const bool event = item.delivery.queue == Queue::events;
  if (event) dead_letter(tx, item, check == "foreign context" ? "context" : "security", check + ": " + why.reason);
  answer_failed(tx, item, {why}, !event || item.decoded.envelope.message().header().ack_required());
}

// Not executed (7.7). Logged once per foreign context.
void DeliveryPipeline::refuse_foreign_context(store::Transaction& tx, Item& item) {
  const auto& h = item.decoded.envelope.message().header();
  const std::string why = "Context " + h.context() + " is not this adapter's (" + options_.config.context() +
                          "): a message of one context never acts on another's";
  log_.warn_once("foreign context " + h.context(), "messages of context " + h.context() + " reach this adapter of context " + options_.config.context() +
                 " (first: " + h.noun() + " " + to_literal(h.verb()) + " from " + source_of(h) +
                 "); refused, counted as foreign_context");
  item.result = "refused";
  log_.count([](AdapterStats& s) { ++s.foreign_context; });
  refuse_unexecuted(tx, item, diagnostic(code::kPolicyViolation, why), "foreign context");
}

// Where the answer to a message goes: its ReplyAddress, else the AMQP reply-to, when replies may go
// there ("" = nowhere). A misdirected message's refusal goes to its reply-to this way.
void DeliveryPipeline::route(Item& item) const {
  std::string why;
  const std::string& reply_address = item.decoded.envelope.message().header().reply_address();
  const std::string& reply_to = item.delivery.message.reply_to;
  if (!reply_address.empty()) {
    if (auto to = destinations_.address(reply_address, &why)) {
      item.target = std::move(*to);
      return;
    }
    item.misdirected = "ReplyAddress " + why;
    item.target = destinations_.address(reply_to).value_or(std::string());
    return;
  }
  if (auto to = destinations_.address(reply_to, &why)) item.target = std::move(*to);
  else if (!reply_to.empty()) item.misdirected = "reply-to " + why;
}

// Not executed: FAILED 7.7 at the reply-to when replies may go there, else the dead-letter queue.
void DeliveryPipeline::refuse_misdirected(store::Transaction& tx, Item& item) {
  const std::string& why = item.misdirected;
  const auto& h = item.decoded.envelope.message().header();
  log_.log().warn(h.noun() + " " + to_literal(h.verb()) + " " + item.key + " refused: " + why, ids_of(item));
  item.result = "refused";
  log_.count([](AdapterStats& s) { ++s.misdirected; });
  answer_failed(tx, item, {diagnostic(code::kPolicyViolation, why)}, true);
  if (item.target.empty()) dead_letter(tx, item, "misdirected", "misdirected: " + why);
}

// A FAILED reply (when `answer`), and the message noted as handled so that a replay gets it too.
void DeliveryPipeline::answer_failed(store::Transaction& tx, Item& item, const Diagnostics& errors, bool answer) {
  Envelope reply = make_reply(item.decoded.envelope, msg::ReplyType_Result::FAILED, errors, reply_options_);
  finish(tx, item, item.target, answer ? &reply : nullptr);
}

void DeliveryPipeline::give_up(store::Transaction& tx, Item& item) {
  int failed = item.entry.attempts - 1;
  if (auto in_memory = failed_commits_.find(failure_key(item)); in_memory != failed_commits_.end())
    failed = std::max(failed, in_memory->second.count);
  std::string reason = std::to_string(failed) + " attempts failed";
  auto last = last_error_.find(item.key);
  reason += last != last_error_.end() ? ": " + last->second : " (the handler failed or the process ended while handling it)";
  log_.log().warn("giving up " + item.key + ": " + reason, ids_of(item));
  Envelope reply = make_reply(item.decoded.envelope, msg::ReplyType_Result::FAILED, {diagnostic(code::kTransactionFailed, reason)}, reply_options_);
  const std::string target = item.target;
  if (item.answers() && !target.empty()) enqueue(tx, target, reply, &item.delivery.message);
  store_.inbox().give_up(tx, item.key, reason, &item.entry);
  dead_letter(tx, item, "max_attempts", reason);
  last_error_.erase(item.key);
  item.result = "dead";
  log_.count([](AdapterStats& s) { ++s.dead; });
}

// A copy of the delivery in the system's dead-letter queue, with why it is there.
void DeliveryPipeline::dead_letter(store::Transaction& tx, Item& item, const char* kind, const std::string& reason) {
  item.dead_letter = kind;
  AmqpMessage copy = item.delivery.message;
  copy.to.clear();
  copy.properties["x-cimbus-reason"] = reason;
  copy.properties["x-cimbus-queue"] = to_string(item.delivery.queue);
  copy.properties["x-cimbus-instance"] = options_.config.instance();
  copy.properties["x-cimbus-attempts"] = std::to_string(std::max(1, item.entry.attempts));
  if (copy.message_id.empty()) copy.message_id = item.key.empty() ? new_uuid() : item.key;
  outbox_.add(tx, outbox_.dead_letter_target(), copy);
}

void DeliveryPipeline::handle_request(store::Transaction& tx, Item& item) {
  const auto& h = item.decoded.envelope.message().header();
  if (!item.misdirected.empty()) return refuse_misdirected(tx, item);
  if (h.async_reply_flag() && h.reply_address().empty()) {
    answer_failed(tx, item, {diagnostic(code::kHeaderElementsMissing, "AsyncReplyFlag is true but ReplyAddress is missing: nowhere to send the result")}, true);
    item.result = "failed";
    log_.count([](AdapterStats& s) { ++s.failed; });
    return;
  }
  const bool execute = h.verb() == msg::HeaderType_Verb::execute;
  if (execute && h.noun() == kOperationSetNoun && refuse_spanning_set(tx, item)) return;
  // An OperationSet runs through the handlers of its operations, unless the adapter has its own;
  // one named "OperationSet" (6.10) by the noun of its operations.
  const std::string set_noun = execute ? operation_set_noun(routed_noun(item.decoded.envelope)) : std::string();
  const HandlerTable::Handler* handler = handlers_.find(Queue::requests, h.noun(), h.verb());
  if (handler == nullptr) {
    const SystemCall* call = handlers_.find_forwarded(h.noun(), h.verb());
    if (call == nullptr && execute) call = handlers_.find_forwarded(set_noun, h.verb());
    if (call != nullptr) {
      forward(item, *call, true);
      return;
    }
  }
  if (handler == nullptr && execute && serves_noun(set_noun)) handler = &execute_;
  if (handler == nullptr) {
    const bool noun_known = serves_noun(h.noun());
    const std::string& system = options_.config.system();
    answer_failed(tx, item, {diagnostic(noun_known ? code::kInvalidVerb : code::kInvalidNoun,
                                   noun_known ? to_literal(h.verb()) + " " + h.noun() + " is not served by " + system
                                              : h.noun() + " is not served by " + system)}, true);
    item.result = "failed";
    log_.count([](AdapterStats& s) { ++s.failed; });
    return;
  }
  run(tx, item, *handler, true);
}

// An OperationSet is one system's transaction: one whose operations' nouns are not all this
// system's is refused whole (2.5) before any runs, rather than run in part. True when refused.
bool DeliveryPipeline::refuse_spanning_set(store::Transaction& tx, Item& item) {
  std::vector<std::string> foreign;
  for (const std::string& noun : operation_nouns(item.decoded.envelope))
    if (!serves_noun(noun)) foreign.push_back(noun);
  if (foreign.empty()) return false;
  std::string listed;
  for (const std::string& noun : foreign) listed += (listed.empty() ? "" : ", ") + noun;
  answer_failed(tx, item, {diagnostic(code::kInvalidNoun, "the OperationSet spans systems: " + options_.config.system() + " does not serve " + listed +
                                                              "; an OperationSet is one system's transaction, so send each system its own")},
                true);
  item.result = "failed";
  log_.count([](AdapterStats& s) { ++s.failed; });
  return true;
}

void DeliveryPipeline::handle_event(store::Transaction& tx, Item& item) {
  const auto& h = item.decoded.envelope.message().header();
  if (h.ack_required())
    if (!item.misdirected.empty()) return refuse_misdirected(tx, item);
  const HandlerTable::Handler* handler = handlers_.find(Queue::events, h.noun(), h.verb());
  if (handler == nullptr) {
    if (const SystemCall* call = handlers_.find_forwarded(h.noun(), h.verb())) {
      forward(item, *call, h.ack_required());
      return;
    }
  }
  if (handler == nullptr) {  // subscribed by the topology but not handled here: noted, acknowledged
    finish_without_handler(tx, item, h.ack_required());
    return;
  }
  run(tx, item, *handler, h.ack_required());
}

std::string DeliveryPipeline::correlation_of(const Item& item) {
  const auto& h = item.decoded.envelope.message().header();
  return !h.correlation_id().empty() ? h.correlation_id() : item.delivery.message.correlation_id;
}

// A reply the schemas refuse still ends its request: the requester gets it as FAILED with the
// findings (rather than waiting for its deadline), and a copy goes to the dead-letter queue.
void DeliveryPipeline::take_invalid_reply(store::Transaction& tx, Item& item) {
  const std::string correlation = correlation_of(item);
  const std::string why = "invalid reply: " + item.decoded.primary_code() + " " + first_reason(item.decoded.diagnostics);
  log_.log().warn("a reply to " + (correlation.empty() ? std::string("nothing") : correlation) + " is refused: " + why, ids_of(item));
  Envelope failed = item.decoded.envelope;
  msg::ReplyType* reply = failed.mutable_message()->mutable_reply();
  reply->set_result(msg::ReplyType_Result::FAILED);
  for (const auto& d : item.decoded.diagnostics)
    if (d.is_error()) *reply->add_error() = to_error(d);
  requests_.replied(tx, correlation, failed, true);
  dead_letter(tx, item, "invalid", why);
  finish(tx, item, {}, nullptr);
  item.result = "failed";
  log_.count([](AdapterStats& s) { ++s.failed; });
}

void DeliveryPipeline::handle_reply(store::Transaction& tx, Item& item) {
  const Envelope& reply = item.decoded.envelope;
  const auto& h = reply.message().header();
  const std::string correlation = correlation_of(item);
  if (!requests_.replied(tx, correlation, reply, !is_interim_reply(reply))) {
    log_.log().warn("a reply to " + (correlation.empty() ? std::string("nothing") : correlation) + " that is not awaited (late or unknown)", ids_of(item));
    item.result = "late";
    log_.count([](AdapterStats& s) { ++s.late_replies; });
    finish_without_handler(tx, item, false);
    return;
  }
  const HandlerTable::Handler* handler = handlers_.find(Queue::replies, h.noun(), h.verb());
  if (handler == nullptr) {
    finish_without_handler(tx, item, false);
    item.result = "ok";
    log_.count([](AdapterStats& s) { ++s.handled; });
    return;
  }
  run(tx, item, *handler, false);
}

void DeliveryPipeline::finish_without_handler(store::Transaction& tx, Item& item, bool acknowledge) {
  if (!acknowledge) {
    finish(tx, item, item.target, nullptr);
    return;
  }
  const Envelope ack = make_reply(item.decoded.envelope, msg::ReplyType_Result::OK,
                                  {diagnostic(code::kSimpleAcknowledgment, "Acknowledged", Level::inform)}, reply_options_);
  finish(tx, item, item.target, &ack);
}

Diagnostics DeliveryPipeline::warnings_of(const Item& item) {
  Diagnostics warnings;  // lenient findings go back to the requester
  for (const auto& d : item.decoded.diagnostics)
    if (!d.is_error()) warnings.push_back(d);
  return warnings;
}

Envelope DeliveryPipeline::initial_reply(const Item& item, bool answer) const {
  const Diagnostics warnings = warnings_of(item);
  Envelope reply = make_reply(item.decoded.envelope, warnings.empty() ? msg::ReplyType_Result::OK : msg::ReplyType_Result::PARTIAL, warnings,
                              reply_options_);
  if (item.delivery.queue == Queue::events && answer)
    *reply.mutable_message()->mutable_reply()->add_error() = to_error(diagnostic(code::kSimpleAcknowledgment, "Acknowledged", Level::inform));
  return reply;
}

// A message's answer, encoded: a get's pages but the last, then its final answer (none: the
// message is only noted as handled).
struct DeliveryPipeline::Answer {
  std::string target;
  std::vector<AmqpMessage> pages;
  std::optional<store::StoredMessage> last;
};

void DeliveryPipeline::answer_with(store::Transaction& tx, Item& item, Envelope reply, bool answer) {
  Answer prepared = prepare_answer(item, std::move(reply), answer);
  write_answer(tx, item, prepared);
}

DeliveryPipeline::Answer DeliveryPipeline::prepare_answer(const Item& item, Envelope reply, bool answer) {
  const Envelope& message = item.decoded.envelope;
  Answer prepared;
  prepared.target = item.target;
  if (!answer || prepared.target.empty()) return prepared;
  std::vector<Envelope> pages;
  std::size_t page_size = static_cast<std::size_t>(options_.config.page_size());
  if (auto asked = request_option(message, "pageSize")) page_size = static_cast<std::size_t>(std::max(0L, std::atol(asked->c_str())));
  if (message.message().header().verb() == msg::HeaderType_Verb::get) pages = split_into_pages(reply, page_size);
  else pages.push_back(std::move(reply));
  for (std::size_t i = 0; i + 1 < pages.size(); ++i) prepared.pages.push_back(encoded(pages[i], &item.delivery.message));
  if (!pages.empty()) prepared.last = bus::to_stored(encoded(pages.back(), &item.delivery.message));
  return prepared;
}

void DeliveryPipeline::write_answer(store::Transaction& tx, Item& item, Answer& prepared) {
  for (const AmqpMessage& page : prepared.pages) outbox_.add(tx, prepared.target, page);
  finish(tx, item, prepared.target, std::move(prepared.last));
}

// Runs a handler in a savepoint, which holds only what the handler wrote: its reply (when
// `answer`), events and requests are encoded in it (an EncodeError is the handler's failure),
// and written after it. A failure of those writes fails the batch (decisions/0019), which only
// the store or a damaged page can cause; a savepoint around them would copy every page they
// touch into its statement journal.
void DeliveryPipeline::run(store::Transaction& tx, Item& item, const HandlerTable::Handler& handler, bool answer) {
  const Envelope& message = item.decoded.envelope;
  const std::size_t outbox_mark = outbox_.mark();
  Answer prepared;
  std::vector<Outgoing> outgoing;
  try {
    store::Savepoint savepoint(tx);
    Context context(message, tx, initial_reply(item, answer));
    handler(context);
    prepared = prepare_answer(item, std::move(context.reply()), answer);
    outgoing = prepare_outgoing(context);
    savepoint.release();
  } catch (const Rejection& r) {
    // Rolled back; the refusal itself is the answer, and final.
    outbox_.forget_since(outbox_mark);
    Diagnostics errors = warnings_of(item);
    errors.insert(errors.end(), r.errors().begin(), r.errors().end());
    answer_failed(tx, item, errors, answer);
    item.result = "failed";
    log_.count([](AdapterStats& s) { ++s.failed; });
    return;
  } catch (const std::exception& e) {
    if (store::is_store_failure(e)) throw;  // not this message's fault: the adapter waits for the store
    // Rolled back; the delivery comes again, up to max_attempts.
    outbox_.forget_since(outbox_mark);
    log_.log().error("handler failed for " + message.message().header().noun() + " " + to_literal(message.message().header().verb()) + " " +
              item.key + " (attempt " + std::to_string(item.entry.attempts) + "): " + e.what(), ids_of(item));
    last_error_[item.key] = e.what();
    if (item.delivery.queue == Queue::replies) requests_.forget_reply(message.message().header().message_id());
    item.outcome = Outcome::released;
    item.result = "retried";
    log_.count([](AdapterStats& s) { ++s.retried; });
    return;
  }
  write_answer(tx, item, prepared);
  write_outgoing(tx, outgoing);
  last_error_.erase(item.key);
  item.result = "ok";
  log_.count([](AdapterStats& s) { ++s.handled; });
}

// The message is done: its final answer, if any, is kept in the inbox for a replay to get it
// again, and the outbox sends it from there (a reply is stored once).
void DeliveryPipeline::finish(store::Transaction& tx, Item& item, const std::string& target, const Envelope* answer) {
  std::optional<store::StoredMessage> reply;
  if (answer != nullptr && !target.empty()) reply = bus::to_stored(encoded(*answer, &item.delivery.message));
  finish(tx, item, target, std::move(reply));
}

void DeliveryPipeline::finish(store::Transaction& tx, Item& item, const std::string& target, std::optional<store::StoredMessage> reply) {
  if (!item.counted) {
    if (reply) outbox_.add(tx, target, *reply);
    return;
  }
  // The request's own row follows in this transaction (note_in_journal), unless it is forwarded.
  std::optional<JournalWriter::Answering> answering;
  if (!item.forwarded)
    if (const MessageNames* names = names_of(item)) answering.emplace(JournalWriter::Answering{item.key, *names});
  outbox_.finish(tx, item.key, target, std::move(reply), answering ? &*answering : nullptr, &item.entry);
}

// A replay gets the reply its MessageID got before, at its own reply destination and correlated
// to its own transport ids: it may come from another requester (a caller's retry from a new
// process, with a reply queue of its own). A redelivery to the same requester shares the stored
// reply.
void DeliveryPipeline::answer_replay(store::Transaction& tx, Item& item) {
  store::StoredMessage reply = std::move(*item.entry.reply);
  const std::string& target = item.target.empty() ? item.entry.reply_target : item.target;
  AmqpMessage replayed = bus::from_stored(reply);
  const bus::TransportCorrelation before = bus::carried_correlation(replayed);
  bus::correlate(replayed, bus::reply_correlation(item.delivery.message));
  if (target == item.entry.reply_target && before == bus::carried_correlation(replayed))
    outbox_.add_reply(tx, target, item.key, std::move(reply));
  else
    outbox_.add(tx, target, replayed);
}

// Encodes `envelope` and puts it in the outbox for `target`.
void DeliveryPipeline::enqueue(store::Transaction& tx, const std::string& target, const Envelope& envelope, const bus::AmqpMessage* answering) {
  outbox_.add(tx, target, encoded(envelope, answering));
}

bus::AmqpMessage DeliveryPipeline::encoded(const Envelope& envelope, const bus::AmqpMessage* answering) {
  AmqpMessage m = bus::to_amqp_message(envelope, codec_.encode(envelope));
  if (answering != nullptr) bus::correlate(m, bus::reply_correlation(*answering));
  return m;
}

// An event or request a handler made, encoded.
struct DeliveryPipeline::Outgoing {
  msg::HeaderType header;
  bool is_request = false;
  std::int64_t deadline_ms = 0;  // a request's, ms since the epoch
  std::string target;
  AmqpMessage message;
  std::optional<MessageNames> names;  // what it names, read once for its order number and its journal row (when either is kept)
};

void DeliveryPipeline::send_outgoing(store::Transaction& tx, Context& context) {
  std::vector<Outgoing> outgoing = prepare_outgoing(context);
  write_outgoing(tx, outgoing);
}

std::vector<DeliveryPipeline::Outgoing> DeliveryPipeline::prepare_outgoing(Context& context) {
  std::vector<Outgoing> prepared;
  for (Context::Outgoing& out : context.outgoing()) {
    msg::HeaderType* h = out.envelope.mutable_message()->mutable_header();
    if (h->source().empty()) h->set_source(options_.config.system());
    if (h->timestamp().empty()) h->set_timestamp(now_timestamp());
    if (h->context().empty() && !options_.config.context().empty()) h->set_context(options_.config.context());
    if (!out.envelope.has_archetype() && !out.envelope.has_wrapper()) out.envelope.set_archetype(archetype_for(h->verb()));
    Outgoing o;
    o.is_request = out.is_request;
    if (out.is_request) {
      h->set_reply_address(reply_address_);
      auto deadline = out.deadline.count() > 0 ? out.deadline : std::chrono::milliseconds(options_.config.request_timeout_ms());
      o.deadline_ms = epoch_ms() + deadline.count();
    }
    o.message = encoded(out.envelope, nullptr);
    if (options_.config.order_wait_ms() >= 0 || !options_.config.journal().off()) o.names = scan_names(o.message.body);
    o.target = options_.profile.publish_address(options_.naming.routing_key(routed_noun(out.envelope), h->verb()));
    o.header = *h;
    prepared.push_back(std::move(o));
  }
  return prepared;
}

void DeliveryPipeline::write_outgoing(store::Transaction& tx, std::vector<Outgoing>& outgoing) {
  for (Outgoing& o : outgoing) {
    const msg::HeaderType& h = o.header;
    if (o.is_request) requests_.sent(tx, h.message_id(), h.noun(), to_literal(h.verb()), o.deadline_ms);
    if (o.names) number_for_order(tx, o.message, h, o.is_request, *o.names);
    outbox_.add(tx, o.target, o.message, o.names ? &*o.names : nullptr);
  }
}

// Numbered per object (decisions/0032): its system, noun, request or event, and the first object
// its payload names. Not a query, nor what names no object.
void DeliveryPipeline::number_for_order(store::Transaction& tx, AmqpMessage& message, const msg::HeaderType& header, bool is_request,
                                        const MessageNames& names) {
  if (options_.config.order_wait_ms() < 0 || header.verb() == msg::HeaderType_Verb::get || names.subjects.empty()) return;
  const std::string key = options_.config.system() + "/" + header.noun() + "/" + (is_request ? "request" : "event") + "/" + names.subjects.front();
  message.properties[kOrderKey] = key;
  message.properties[kOrderNumber] = std::to_string(store_.object_order().next_number(tx, key));
}

void DeliveryPipeline::expire_requests() {
  const std::int64_t now = epoch_ms();
  if (!requests_.due(now)) return;
  store::Transaction tx = store_.begin();
  auto timeout_reply = [this](const std::string& noun, const std::string& message_id) {
    Envelope request;
    request.set_archetype(Envelope::REQUEST_MESSAGE);
    request.mutable_message()->mutable_header()->set_noun(noun);
    request.mutable_message()->mutable_header()->set_message_id(message_id);
    return make_reply(request, msg::ReplyType_Result::FAILED, {diagnostic(code::kTimedOut, "no reply to " + message_id + " before its deadline")},
                      reply_options_);
  };
  for (RequestTracker::Expired& late : requests_.expire(tx, now, timeout_reply)) {
    log_.count([](AdapterStats& s) { ++s.timed_out; });
    log_.metrics().request_timeout();
    auto it = handlers_.replies.find(late.noun);
    if (it == handlers_.replies.end()) continue;
    const std::size_t outbox_mark = outbox_.mark();
    try {
      store::Savepoint savepoint(tx);
      Context context(late.reply, tx, {});
      it->second(context);
      send_outgoing(tx, context);
      savepoint.release();
    } catch (const std::exception& e) {
      outbox_.forget_since(outbox_mark);
      log_.log().error("reply handler failed on the timeout of " + late.reply.message().header().correlation_id() + ": " + e.what());
    }
  }
  tx.commit();
  requests_.after_commit();
}

}  // namespace cimbus::adapter::detail
