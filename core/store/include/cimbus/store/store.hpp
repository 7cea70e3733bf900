#pragma once
// The adapter's durable state: its inbox (every MessageID it has taken, with the outcome), its
// outbox (what it must still send), its correlations, the calls a system acknowledged and whose
// result is due, the ReplayDetection Nonces it has seen, the journal of what it took in and sent, and, in the same database, the system of record of the embedded backend, so that
// one transaction covers the effects of a message, its replies and events, and the note that it
// was handled (DESIGN.md "Delivery guarantees").
//
//   Store store("oms.sqlite");
//   Transaction tx = store.begin();
//   Inbox::Entry e = store.inbox().take(tx, message_id);   // attempts counted, a replay noticed
//   ... business effects through Statement(tx, ...) ...
//   store.outbox().add(tx, target, reply);
//   store.inbox().finish(tx, message_id, target, reply);    // a replay gets this reply again
//   tx.commit();                                            // then accept the delivery
//
// The engine is behind Connection (connection.hpp); SQLite is the first (sqlite_engine.hpp).
//
// Threading: a Store is used by one thread at a time (the adapter runtime's worker). Several
// processes may share a file (SQLite locking, WAL mode, busy timeout): instances of one system
// sharing its system of record (decisions/0005). They share the inbox (a MessageID handled by one
// is a duplicate for all); each sends only its own outbox rows and times out only its own requests
// (the owner given to Store, its instance name).

#include <memory>
#include <string>

#include "cimbus/store/acknowledged_calls.hpp"
#include "cimbus/store/connection.hpp"
#include "cimbus/store/correlations.hpp"
#include "cimbus/store/inbox.hpp"
#include "cimbus/store/journal.hpp"
#include "cimbus/store/object_order.hpp"
#include "cimbus/store/outbox.hpp"
#include "cimbus/store/seen_nonces.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

class Store {
 public:
  // Opens the store at `location` (store_location.hpp: a SQLite file, created when missing, or a
  // PostgreSQL database); throws std::runtime_error with the engine's message. `owner` names the
  // process's outbox rows and requests when several processes share the store.
  explicit Store(const std::string& location, std::string owner = {});
  // A store on a connection of any engine.
  Store(std::unique_ptr<Connection> connection, std::string owner);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Transaction begin(Durability durability = Durability::full);
  // Whether a write commits now: a row written and removed in a transaction of its own. Throws
  // what the engine says when not (a full disk, an I/O error, a damaged page it touches).
  void check_writable();
  // At a clean stop: the file alone becomes a complete copy (Connection::checkpoint).
  void checkpoint() { connection_->checkpoint(); }
  Inbox& inbox() { return inbox_; }
  Outbox& outbox() { return outbox_; }
  Correlations& correlations() { return correlations_; }
  AcknowledgedCalls& acknowledged_calls() { return acknowledged_calls_; }
  SeenNonces& seen_nonces() { return seen_nonces_; }
  ObjectOrder& object_order() { return object_order_; }
  Journal& journal() { return journal_; }
  Connection& connection() { return *connection_; }

 private:
  std::unique_ptr<Connection> connection_;
  std::string owner_;
  Inbox inbox_;
  Outbox outbox_;
  Correlations correlations_;
  AcknowledgedCalls acknowledged_calls_;
  SeenNonces seen_nonces_;
  ObjectOrder object_order_;
  Journal journal_;
};

}  // namespace cimbus::store
