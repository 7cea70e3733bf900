#pragma once
// The delivery pipeline: what happens to a batch of deliveries from the adapter's queues, and to
// what handlers send.
//
// For each delivery:
//   1. decode and validate (strict/lenient); unreadable input gets a FaultMessage and a copy in
//      the system's dead-letter queue with the reason, invalid input a FAILED reply (1.8, 2.9...);
//      answers go only to reply destinations (reply_destinations.hpp): a request whose
//      ReplyAddress or reply-to points elsewhere is not executed (7.7, or the dead-letter queue);
//   2. a redelivered message's attempt is recorded in the inbox in a transaction of its own, so
//      that a message that crashes the process is still counted; an AsyncReplyFlag request is
//      acknowledged here (OK, 0.3);
//   3. in one transaction for the batch: a first delivery's attempt is recorded; a MessageID
//      already handled is answered with the stored reply and not executed again; otherwise the
//      handler runs in a savepoint and its reply, events and requests go to the outbox; after
//      max_attempts failed attempts the message is given up, the requester gets FAILED and the
//      message goes to the dead-letter queue with its reason;
//   4. the outcome of each delivery is returned, to be settled only after that commit. When the
//      transaction fails although the store works (a constraint checked at commit, a damaged page
//      the message's rows reach), its messages are tried again one per transaction, and one that
//      keeps failing is given up after max_attempts, counted in memory (the inbox cannot count
//      it); when the store itself fails, the exception goes to the adapter (decisions/0019);
//   5. a message forwarded to a system outside the process (Adapter::forward) is not handled in
//      the batch: it becomes a ForwardedCall (take_forwarded), made on a call thread, and its
//      outcome comes back through complete(), which commits the reply and settles the delivery
//      then. Deliveries of a MessageID whose call is in flight wait for that call's outcome. A
//      request the system acknowledges (0.3) awaits its result in the store (SystemResults).
//
// Threading: the worker thread's own.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cimbus/bus/amqp_message.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/runtime/adapter_options.hpp"
#include "cimbus/runtime/context.hpp"
#include "cimbus/store/store.hpp"
#include "authorizations.hpp"
#include "forwarded_call.hpp"
#include "handler_table.hpp"
#include "operation_set.hpp"
#include "outbox_pump.hpp"
#include "reply_destinations.hpp"
#include "request_tracker.hpp"
#include "journal_writer.hpp"
#include "message_names.hpp"
#include "runtime_log.hpp"
#include "system_results.hpp"

namespace cimbus::adapter::detail {

struct Delivery {
  Queue queue;
  bus::AmqpMessage message;
  bus::DeliveryId id;
};

class DeliveryPipeline {
 public:
  DeliveryPipeline(const AdapterOptions& options, XmlCodec& codec, store::Store& store, OutboxPump& outbox,
                   RequestTracker& requests, SystemResults& results, const HandlerTable& handlers, const ReplyOptions& reply_options,
                   RuntimeLog& log, JournalWriter& journal, ReplyDestinations::ReachesWeb reaches_web = {});
  ~DeliveryPipeline();

  using Settlements = std::vector<std::pair<bus::DeliveryId, bus::Outcome>>;

  // Handles a batch; returns the outcome of each delivery not forwarded, to settle now that its
  // effects committed.
  Settlements handle(std::vector<Delivery> batch);
  // The calls to make for the forwarded messages of the batches handled since the last take.
  std::vector<ForwardedCall> take_forwarded();
  // The outcomes of calls, in one transaction: replies, refusals (FAILED), temporary failures (the
  // delivery goes back to the broker, to be tried again), acknowledgements (0.3) of requests whose
  // result the system sends later (system_results.hpp). Returns the deliveries to settle.
  Settlements complete(std::vector<CallOutcome> outcomes);
  std::size_t forwarded_in_flight() const { return in_flight_.size(); }
  // After handle() or complete() threw because the store fails: the outcomes owed to the broker
  // for the deliveries it held (those of what committed, `released` for the rest).
  Settlements take_owed();

  // The events and requests a handler made: their headers completed, their rows in the outbox,
  // requests in the correlation store.
  void send_outgoing(store::Transaction& tx, Context& context);
  // The same in two steps: encoded (an EncodeError is the handler's), then written.
  struct Outgoing;
  std::vector<Outgoing> prepare_outgoing(Context& context);
  void write_outgoing(store::Transaction& tx, std::vector<Outgoing>& outgoing);

  // Requests whose deadline passed: each gets a 4.1 reply, which the reply handler of its noun
  // sees as it would a real one.
  void expire_requests();

  // Per-object order (decisions/0032): messages parked longer than order_wait_ms are taken, the
  // gap before them given up, and those that follow them in turn. Looks at most once a second.
  void release_overdue();

 private:
  struct Item;
  using Group = std::vector<Item*>;  // deliveries handled in one transaction
  struct UndoPoint {
    std::size_t to_forward;
    std::uint64_t last_call;
  };
  struct FailedCommits {
    int count = 0;
    std::string cause;
  };
  static constexpr std::size_t kMaxFailedCommits = 10000;
  std::chrono::steady_clock::time_point next_overdue_look_{};

  template <class Member, class ItemOf>
  std::vector<std::vector<Member*>> grouped(std::vector<Member>& members, ItemOf item_of) const;
  template <class Member, class Commit, class Release>
  void commit_each(std::vector<std::vector<Member*>>& groups, const Settlements& settled, Commit commit, Release release);
  void commit_group(Group& group, std::set<std::string>& seen);
  void complete_group(const std::vector<CallOutcome*>& group, Settlements& settle);
  void complete_call(store::Transaction& tx, CallOutcome& outcome);
  void end_call(std::uint64_t number, bus::Outcome outcome, Settlements& settle);
  UndoPoint undo_point() const;
  void undo(const UndoPoint& point, const Group& group);
  bool store_works();
  void failed_commit(const Group& group, const std::string& cause);
  bool giving_up(const Item& item) const;
  static std::string failure_key(const Item& item);
  void count_attempts(const Group& group);
  Item item_of(Delivery delivery);
  void process(store::Transaction& tx, Item& item);
  void process_message(store::Transaction& tx, Item& item);
  // Per-object order (decisions/0032).
  struct OrderPlace {
    std::string key;
    std::int64_t number = 0;
  };
  std::optional<OrderPlace> order_place(const Item& item) const;
  void number_for_order(store::Transaction& tx, bus::AmqpMessage& message, const msg::HeaderType& header, bool is_request,
                        const MessageNames& names);
  void park(store::Transaction& tx, Item& item, const OrderPlace& place);
  void take_in_turn(store::Transaction& tx, OrderPlace place);
  bool run_parked(store::Transaction& tx, const store::ObjectOrder::Parked& parked);
  void measure(const Item& item);
  void note_in_journal(store::Transaction& tx, const Item& item);
  void keep_attempt(store::Transaction& tx, Item& item);
  const MessageNames* names_of(const Item& item);
  static LogIds ids_of(const Item& item);
  static bool is_redriven(const Item& item);
  static const msg::HeaderType& h_of(const Item& item);
  static std::string source_of(const msg::HeaderType& header);
  bool is_foreign_context(const Envelope& message) const;
  bool refuse_spanning_set(store::Transaction& tx, Item& item);
  void refuse_foreign_context(store::Transaction& tx, Item& item);
  std::optional<Diagnostic> replay_of(store::Transaction& tx, const Item& item);
  void refuse_checked(store::Transaction& tx, Item& item, const Diagnostic& why, const std::string& check);
  void refuse_unexecuted(store::Transaction& tx, Item& item, const Diagnostic& why, const std::string& check);
  void handle_request(store::Transaction& tx, Item& item);
  void handle_event(store::Transaction& tx, Item& item);
  void handle_reply(store::Transaction& tx, Item& item);
  void report_unrouted(store::Transaction& tx, Item& item);
  void take_invalid_reply(store::Transaction& tx, Item& item);
  // The CorrelationID of a reply: its Header's, else the AMQP correlation-id.
  static std::string correlation_of(const Item& item);
  void run(store::Transaction& tx, Item& item, const HandlerTable::Handler& handler, bool answer);
  void forward(Item& item, const SystemCall& call, bool answer);
  // The reply a handler or call starts from: OK, or PARTIAL with the lenient findings; an
  // acknowledged event's carries 0.3.
  Envelope initial_reply(const Item& item, bool answer) const;
  static Diagnostics warnings_of(const Item& item);
  // `reply` as the message's answer (when `answer`): a get's in pages, then finish().
  void answer_with(store::Transaction& tx, Item& item, Envelope reply, bool answer);
  // The same in two steps: encoded (an EncodeError is the handler's), then written.
  struct Answer;
  Answer prepare_answer(const Item& item, Envelope reply, bool answer);
  void write_answer(store::Transaction& tx, Item& item, Answer& prepared);
  void finish_without_handler(store::Transaction& tx, Item& item, bool acknowledge);
  void acknowledge_async(store::Transaction& tx, const Item& item);
  void answer_failed(store::Transaction& tx, Item& item, const Diagnostics& errors, bool answer);
  void give_up(store::Transaction& tx, Item& item);
  void dead_letter(store::Transaction& tx, Item& item, const char* kind, const std::string& reason);
  void finish(store::Transaction& tx, Item& item, const std::string& target, const Envelope* answer);
  void finish(store::Transaction& tx, Item& item, const std::string& target, std::optional<store::StoredMessage> reply);
  // `envelope` encoded as an AMQP message; `answering`: the delivery it answers, whose transport
  // ids correlate it (reply_correlation.hpp).
  bus::AmqpMessage encoded(const Envelope& envelope, const bus::AmqpMessage* answering);
  // `envelope` encoded (encoded()) into the outbox for `target`.
  void enqueue(store::Transaction& tx, const std::string& target, const Envelope& envelope, const bus::AmqpMessage* answering = nullptr);
  void answer_replay(store::Transaction& tx, Item& item);
  // Sets item.target and item.misdirected, once per delivery.
  void route(Item& item) const;
  void refuse_misdirected(store::Transaction& tx, Item& item);
  bool serves_noun(const std::string& noun) const { return operation_sets_.serves_noun(noun) || handlers_.forwards_noun(noun); }

  const AdapterOptions& options_;
  XmlCodec& codec_;
  store::Store& store_;
  OutboxPump& outbox_;
  RequestTracker& requests_;
  SystemResults& results_;
  const HandlerTable& handlers_;
  const ReplyOptions& reply_options_;
  RuntimeLog& log_;
  JournalWriter& journal_;
  OperationSetRunner operation_sets_;  // execute: over handlers_.requests
  HandlerTable::Handler execute_;
  const ReplyDestinations destinations_;
  const Authorizations authorizations_;
  const std::string reply_address_;  // the ReplyAddress of the requests it sends (broker.routed_replies)
  std::map<std::string, std::string> last_error_;  // by inbox key: why the last attempt failed
  // Messages whose transaction failed while the store worked, by failure_key(): the attempts the
  // inbox could not count.
  std::map<std::string, FailedCommits> failed_commits_;
  Settlements owed_;

  // Forwarded messages whose call is in flight, by call number; the deliveries of the same
  // MessageID that came meanwhile wait with it.
  struct InFlight;
  using InFlightCalls = std::map<std::uint64_t, std::unique_ptr<InFlight>>;
  InFlightCalls in_flight_;
  InFlightCalls::iterator drop_call(InFlightCalls::iterator it);
  std::map<std::string, std::uint64_t> in_flight_keys_;
  std::vector<ForwardedCall> to_forward_;
  std::uint64_t last_call_ = 0;
};

}  // namespace cimbus::adapter::detail
