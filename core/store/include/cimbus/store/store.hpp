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
// Threading: a Store is used by one thread at a time (the adapter runtime's worker). Several
// processes may share a file (SQLite locking, WAL mode, busy timeout): instances of one system
// sharing its system of record. They share the inbox (a MessageID handled by one is a duplicate
// for all); each sends only its own outbox rows and times out only its own requests (the owner
// given to Store, its instance name).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cimbus/stored_message.pb.h"

struct sqlite3;

namespace cimbus::store {

class StatementCache;

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
  Transaction(sqlite3* db, bool relaxed);
  void end();
  sqlite3* db_;
  bool open_ = true;
  bool relaxed_ = false;
};

// A nested unit inside a transaction (SQL SAVEPOINT): one message's effects, undone alone when
// its handler fails while the other messages of the batch commit.
class Savepoint {
 public:
  explicit Savepoint(Transaction& tx);
  // A savepoint inside one already open on `db` (e.g. one operation of an OperationSet).
  explicit Savepoint(sqlite3* db);
  ~Savepoint();  // rolls back to the savepoint unless released
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  void release();

 private:
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
    std::optional<StoredMessage> reply;  // handled: the reply, to send again to a replay
    std::string reason;                // dead: why
  };

  // Records one more attempt at `message_id` (a first sight creates the entry). `delivered_before`:
  // the broker says an earlier delivery existed, so this is at least the second attempt even when
  // the first left no trace (the process ended before recording it).
  Entry take(Transaction& tx, const std::string& message_id, bool delivered_before = false);
  // The message is handled: a later delivery with the same MessageID gets `reply` again.
  void finish(Transaction& tx, const std::string& message_id, const std::string& reply_target,
              const std::optional<StoredMessage>& reply);
  // The message will never be handled (dead-lettered after too many attempts).
  void give_up(Transaction& tx, const std::string& message_id, const std::string& reason);
  // Forgets at most `limit` MessageIDs first seen before `before_ms` (ms since the epoch), except
  // those whose reply is still to be sent; returns how many. A forgotten MessageID delivered
  // again is a new message (the retention period bounds the file, and the replay protection).
  std::size_t forget_before(Transaction& tx, std::int64_t before_ms, std::size_t limit);
  std::size_t size();

 private:
  friend class Store;
  explicit Inbox(StatementCache* statements) : statements_(statements) {}
  StatementCache* statements_;
};

class Outbox {
 public:
  struct Row {
    std::int64_t id = 0;
    std::string target;
    StoredMessage message;
  };

  // Returns the new row's id (ids grow: rows are sent in id order).
  std::int64_t add(Transaction& tx, const std::string& target, const StoredMessage& message);
  // A row that sends the reply the inbox holds for `message_id` (Inbox::finish, in the same
  // transaction): the reply is stored once.
  std::int64_t add_reply(Transaction& tx, const std::string& target, const std::string& message_id);
  // The oldest rows after `after_id` (rows up to it are already on their way), at most `limit`.
  std::vector<Row> pending(std::size_t limit, std::int64_t after_id = 0);
  // Rows the broker accepted.
  void remove(Transaction& tx, const std::vector<std::int64_t>& ids);
  std::size_t size();

 private:
  friend class Store;
  Outbox(StatementCache* statements, const std::string* owner) : statements_(statements), owner_(owner) {}
  StatementCache* statements_;
  const std::string* owner_;
};

// Requests this adapter sent and still awaits the (final) reply to, with their deadlines: the
// correlation store. A reply, or the deadline, ends an entry exactly once.
class Correlations {
 public:
  struct Entry {
    std::string message_id;
    std::string noun;
    std::int64_t deadline_ms = 0;  // ms since the epoch
  };

  void add(Transaction& tx, const Entry& entry);
  // A reply to `message_id` arrived. True when the request was awaited; `final` ends the entry
  // (false for an acknowledgement or a partial page: more replies follow).
  bool answer(Transaction& tx, const std::string& message_id, bool final);
  // Entries past their deadline at `now_ms`, oldest first (end them with answer()).
  std::vector<Entry> expired(std::int64_t now_ms, std::size_t limit);
  // The earliest deadline, if any entry is open.
  std::optional<std::int64_t> next_deadline();
  std::size_t size();

 private:
  friend class Store;
  Correlations(StatementCache* statements, const std::string* owner) : statements_(statements), owner_(owner) {}
  StatementCache* statements_;
  const std::string* owner_;
};

class Store {
 public:
  // Opens or creates the file; throws std::runtime_error with SQLite's message. `owner` names the
  // process's outbox rows and requests when several processes share the file (the instance).
  explicit Store(const std::string& path, std::string owner = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // How a commit reaches the disk.
  enum class Durability {
    full,     // fsync at commit: survives a power cut (effects, replies, events)
    relaxed,  // no fsync: survives a crash of the process, not of the machine; for bookkeeping
              // whose loss costs a repetition only (attempt counts, removal of sent rows). The
              // next full commit makes it durable too (one WAL).
  };

  // BEGIN IMMEDIATE: writers queue here rather than fail half-way.
  Transaction begin(Durability durability = Durability::full);
  Inbox& inbox() { return inbox_; }
  Outbox& outbox() { return outbox_; }
  Correlations& correlations() { return correlations_; }
  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
  std::string owner_;
  std::unique_ptr<StatementCache> statements_;
  Inbox inbox_;
  Outbox outbox_;
  Correlations correlations_;
};

}  // namespace cimbus::store
