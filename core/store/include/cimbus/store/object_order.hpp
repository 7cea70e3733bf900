#pragma once
// Per-object order across the instances of a system (decisions/0032). Part of the Store
// (store.hpp); shared by the instances of a system, as the inbox is.
//
// A sender numbers the messages it sends about one object (an order key: its system, the noun,
// request or event, and the object's mRID) 1, 2, 3... in the transaction that puts them in its
// outbox. A receiver takes a message in its turn (the next number for its key), parks one that
// comes early until the one before it is taken, and, once a message is taken, releases the one
// after it. A message still parked after the wait (its predecessor lost, or sent to another
// system) is taken anyway: the gap is given up.
//
//   const std::int64_t n = store.object_order().next_number(tx, key);           // the sender
//   if (order.turn(tx, key, n) == ObjectOrder::Turn::early) order.park(tx, ...); // the receiver
//   ... take it ...; order.taken(tx, key, n); auto next = order.unpark(tx, key, n + 1);

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cimbus/stored_message.pb.h"
#include "cimbus/store/connection.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

class Store;

class ObjectOrder {
 public:
  enum class Turn {
    now,    // the next number for its key, or the first this store sees (numbered 1)
    early,  // one before it has not been taken: park it
    late,   // its number was passed already: a gap given up before it came
  };
  struct Parked {
    std::string key;
    std::int64_t number = 0;
    std::string queue;  // the queue it was delivered from (requests, events)
    StoredMessage message;
    std::int64_t parked_ms = 0;
  };

  // The sender: the next number for `key` (1 for the first message about it).
  std::int64_t next_number(Transaction& tx, const std::string& key);

  // The receiver.
  Turn turn(Transaction& tx, const std::string& key, std::int64_t number);
  void taken(Transaction& tx, const std::string& key, std::int64_t number);
  // Keeps a message that came early; false when it is parked already (a redelivery).
  bool park(Transaction& tx, const Parked& parked);
  // The parked message numbered `number` for `key`, removed from the parked ones.
  std::optional<Parked> unpark(Transaction& tx, const std::string& key, std::int64_t number);
  // The first parked message of each key whose wait ended (parked before `before_ms`), at most
  // `limit`, oldest first; still parked.
  std::vector<Parked> overdue(std::int64_t before_ms, std::size_t limit);
  std::size_t parked_count();

 private:
  friend class Store;
  explicit ObjectOrder(Connection* connection) : connection_(connection) {}
  Connection* connection_;
};

}  // namespace cimbus::store
