#pragma once
// The adapter's SQLite file: its inbox (every MessageID it has taken, with the outcome), its
// outbox (what it must still send) and, in the same file, the system of record of the embedded
// backend, so that one transaction covers the effects of a message, its replies and events, and
// the note that it was handled (DESIGN.md "Delivery guarantees").
//
//   Store store("oms.sqlite");
//   Store::Transaction tx = store.begin();
//   Inbox::Entry e = store.inbox().take(tx, message_id);   // attempts counted, a replay noticed
//   ... business effects through tx.db() ...
//   store.outbox().add(tx, target, reply);
//   store.inbox().finish(tx, message_id, target, reply);    // a replay gets this reply again
//   tx.commit();                                            // then accept the delivery
//
// Threading: a Store is used by one thread at a time (the adapter's I/O thread); several
// processes may share a file (SQLite locking, WAL mode, busy timeout).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cimbus/bus/amqp_message.hpp"

struct sqlite3;

namespace cimbus::store {

class Store;

class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();  // rolls back unless committed

  void commit();
  sqlite3* db() const { return db_; }

 private:
  friend class Store;
  explicit Transaction(sqlite3* db);
  sqlite3* db_;
  bool open_ = true;
};

class Inbox {
 public:
  enum class State { fresh, handled, dead };
  struct Entry {
    State state = State::fresh;
    int attempts = 0;                  // including this one
    std::string reply_target;          // handled: where its reply went
    std::optional<bus::AmqpMessage> reply;  // handled: the reply, to send again to a replay
  };

  // Records one more attempt at `message_id` (a first sight creates the entry).
  Entry take(Transaction& tx, const std::string& message_id);
  // The message is handled: a later delivery with the same MessageID gets `reply` again.
  void finish(Transaction& tx, const std::string& message_id, const std::string& reply_target,
              const std::optional<bus::AmqpMessage>& reply);
  // The message will never be handled (dead-lettered after too many attempts).
  void give_up(Transaction& tx, const std::string& message_id, const std::string& reason);

 private:
  friend class Store;
  explicit Inbox(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

class Outbox {
 public:
  struct Row {
    std::int64_t id = 0;
    std::string target;
    bus::AmqpMessage message;
  };

  void add(Transaction& tx, const std::string& target, const bus::AmqpMessage& message);
  // The oldest rows not yet sent, at most `limit`.
  std::vector<Row> pending(std::size_t limit);
  // A row the broker accepted.
  void remove(std::int64_t id);
  std::size_t size();

 private:
  friend class Store;
  explicit Outbox(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

class Store {
 public:
  // Opens or creates the file; throws std::runtime_error with SQLite's message.
  explicit Store(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // BEGIN IMMEDIATE: writers queue here rather than fail half-way.
  Transaction begin();
  Inbox& inbox() { return inbox_; }
  Outbox& outbox() { return outbox_; }
  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  Inbox inbox_;
  Outbox outbox_;
};

}  // namespace cimbus::store
