#pragma once
// Every MessageID the adapter has taken, with the outcome: what makes a redelivery or a replay
// harmless (a handled message gets its reply again) and what counts attempts towards the
// dead-letter queue. Part of the Store (store.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cimbus/stored_message.pb.h"
#include "cimbus/store/connection.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

class Store;

class Inbox {
 public:
  enum class State { fresh, handled, dead };
  struct Entry {
    State state = State::fresh;
    int attempts = 0;                  // including this one
    std::string reply_target;          // handled: where its reply went
    std::optional<StoredMessage> reply;  // handled: the reply, to send again to a replay
    std::string reason;                // dead: why
    bool stored = true;                // false: seen first by look(), no row yet (add() writes it)
  };

  // Records one more attempt at `message_id` (a first sight creates the entry). `delivered_before`:
  // the broker says an earlier delivery existed, so this is at least the second attempt even when
  // the first left no trace (the process ended before recording it).
  Entry take(Transaction& tx, const std::string& message_id, bool delivered_before = false);
  // The same, except that a MessageID never seen gets no row yet (Entry::stored false): the
  // caller writes it once, complete, with add() in the same transaction. A row written fresh and
  // then updated with a reply of kilobytes moves to a page of its own; written once, it does not.
  Entry look(Transaction& tx, const std::string& message_id, bool delivered_before = false);
  // The row of an entry look() found new: its state, attempts, reason, and the reply (handled).
  void add(Transaction& tx, const std::string& message_id, const Entry& entry, const std::string& reply_target = {},
           const std::optional<StoredMessage>& reply = std::nullopt);
  // The message is handled: a later delivery with the same MessageID gets `reply` again.
  // `entry`: the one look() gave, when the caller has it; a row not yet written (Entry::stored
  // false) is written here, complete, and the entry is then stored.
  void finish(Transaction& tx, const std::string& message_id, const std::string& reply_target,
              const std::optional<StoredMessage>& reply, Entry* entry = nullptr);
  // The message will never be handled (dead-lettered after too many attempts). `entry`: as finish().
  void give_up(Transaction& tx, const std::string& message_id, const std::string& reason, Entry* entry = nullptr);
  // A message given up is tried again (sent back from the dead-letter queue after a fix: `cimbus
  // dead redrive`): its entry is fresh again, at its first attempt. False when it was not dead.
  bool revive(Transaction& tx, const std::string& message_id);
  // Forgets at most `limit` MessageIDs first seen before `before_ms` (ms since the epoch), except
  // those whose reply is still to be sent or still due from a system (acknowledged_calls.hpp);
  // returns how many. A forgotten MessageID delivered again is a new message (the retention
  // period bounds the file, and the replay protection).
  std::size_t forget_before(Transaction& tx, std::int64_t before_ms, std::size_t limit);
  std::size_t size();

 private:
  friend class Store;
  explicit Inbox(Connection* connection) : connection_(connection) {}
  std::optional<Entry> seen(Transaction& tx, const std::string& message_id, int at_least);
  Connection* connection_;
};


}  // namespace cimbus::store
