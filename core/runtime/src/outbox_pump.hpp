#pragma once
// The outbox pump: every message the adapter sends (replies, events, requests, dead letters) is a
// row of the store's outbox, added in the transaction that made it, and sent to the broker after
// that transaction commits. A row is removed when the broker accepts it; after a refusal of the
// link, a broker restart or a process restart, rows not yet accepted are sent again in order.
//
// Rows committed since the last send() are normally sent from memory; after a restart, a failed
// send, or when more than kMaxUnsettledSends rows wait, they are read back from the store instead
// (the backlog).
//
// Threading: the worker thread's own, except the outcome callback, which the bus calls on its
// I/O thread (the pump hands the outcome over through `on_outcome`; the worker gives the outcomes
// back with take_outcomes()).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "cimbus/bus/amqp_message.hpp"
#include "cimbus/bus/sender.hpp"
#include "cimbus/store/store.hpp"
#include "journal_writer.hpp"
#include "runtime_log.hpp"

namespace cimbus::adapter::detail {

class OutboxPump {
 public:
  struct Outcome {
    std::int64_t row;
    bus::Outcome outcome;
    std::string why = {};  // refused: the broker's words (bus::Sender::refusal_of)
  };
  // Called on the bus's thread when the broker settled a row.
  using OnOutcome = std::function<void(Outcome)>;

  // After a send is released or fails (a link refused, the connection lost), rows are sent again
  // from the oldest once `resend_pause` has passed, rather than hammering a broker in trouble.
  //
  // A row the broker rejects, or whose target it refuses for good (bus::Outcome::refused: a
  // queue that does not exist, an address this adapter may not use), is not dropped: it moves to
  // `dead_letter_target` with its reason (x-cimbus-reason, x-cimbus-target). A dead letter the
  // broker refuses stays in the outbox, tried again after the pause, with an error logged.
  OutboxPump(store::Store& store, bus::Sender& bus, RuntimeLog& log, OnOutcome on_outcome, std::string dead_letter_target,
             std::chrono::milliseconds resend_pause = std::chrono::milliseconds(500));
  // Each row added from now on is noted in `journal` too, in its transaction.
  void keep_journal(JournalWriter* journal) { journal_ = journal; }

  // A row for `target`, in `tx`; sent after the commit. `names`: what its body names, when the
  // caller read them already (the journal reads them otherwise).
  void add(store::Transaction& tx, const std::string& target, const bus::AmqpMessage& message, const MessageNames* names = nullptr);
  void add(store::Transaction& tx, const std::string& target, store::StoredMessage message, const MessageNames* names = nullptr);
  // A row that sends the reply the inbox keeps for `message_id` (stored once); `reply` is the
  // inbox's copy, kept in memory to send it after the commit. `answering`: see JournalWriter::sent.
  void add_reply(store::Transaction& tx, const std::string& target, const std::string& message_id, store::StoredMessage reply,
                 const JournalWriter::Answering* answering = nullptr);
  // `message_id` is handled: the inbox notes it with its final reply, if any, which a replay gets
  // again and which is sent to `target` from there (add_reply). `entry`: its inbox entry, when
  // look() found it new (Inbox::Entry::stored false): its row is written here, complete.
  void finish(store::Transaction& tx, const std::string& message_id, const std::string& target, std::optional<store::StoredMessage> reply,
              const JournalWriter::Answering* answering = nullptr, store::Inbox::Entry* entry = nullptr);

  // Rows added since mark() are forgotten by forget_since() when their savepoint rolls back.
  std::size_t mark() const { return fresh_.size(); }
  void forget_since(std::size_t mark) { fresh_.resize(mark); }

  // The broker's outcomes, from the worker thread.
  void take_outcomes(const std::vector<Outcome>& outcomes);
  // Removes the rows the broker accepted, in `tx` (or in a relaxed transaction of their own).
  bool has_accepted_rows() const { return !accepted_.empty(); }
  void remove_accepted(store::Transaction& tx);
  void remove_accepted();

  // Hands rows to the bus while fewer than kMaxUnsettledSends await the broker.
  void send();
  // After a transaction failed to commit (the store failed): rows kept in memory may be of it, so
  // what is to be sent is read back from the store.
  void reset() {
    fresh_.clear();
    backlog_ = true;
    cursor_ = 0;  // from the oldest row again; rows in flight or accepted are skipped
  }
  // Where dead letters go: the system's dead-letter queue.
  const std::string& dead_letter_target() const { return dead_letter_target_; }
  // True when nothing awaits the broker's outcome.
  bool settled() const { return in_flight_.empty(); }

  static constexpr std::size_t kMaxUnsettledSends = 256;

 private:
  void hand_over(store::Outbox::Row row, std::vector<bus::Send>& sends);
  void dead_letter(const std::vector<Outcome>& refused);

  store::Store& store_;
  bus::Sender& bus_;
  RuntimeLog& log_;
  JournalWriter* journal_ = nullptr;
  OnOutcome on_outcome_;
  std::string dead_letter_target_;
  std::chrono::milliseconds resend_pause_;

  // What the metrics name a message sent by: its Noun and Verb, and whether it is a dead letter.
  struct Sent {
    std::string noun;
    std::string verb;
    bool dead_letter = false;
  };
  void measure(const Sent& sent, const char* result);

  std::map<std::int64_t, Sent> in_flight_;  // rows sent, outcome not yet known
  std::vector<std::int64_t> accepted_;  // accepted by the broker, to remove
  std::int64_t cursor_ = 0;             // the highest row handed to the bus
  std::vector<store::Outbox::Row> fresh_;  // rows added since the last send()
  bool backlog_ = true;                 // rows after cursor_ may exist that fresh_ lacks
  bool resend_from_start_ = false;
  std::chrono::steady_clock::time_point resend_after_;
};

}  // namespace cimbus::adapter::detail
