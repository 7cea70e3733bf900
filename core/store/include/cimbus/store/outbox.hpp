#pragma once
// What the adapter must still send, written in the transaction that produced it and removed when
// the broker accepted it. Part of the Store (store.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cimbus/stored_message.pb.h"
#include "cimbus/store/connection.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

class Store;

class Outbox {
 public:
  struct Row {
    std::int64_t id = 0;
    std::string target;
    StoredMessage message;
    // A reply row whose reply the inbox no longer holds (the store changed behind the adapter's
    // back): the MessageID it answers; `message` is empty. It can never be sent as it was.
    std::string missing_reply;
  };

  // Returns the new row's id (ids grow: rows are sent in id order).
  std::int64_t add(Transaction& tx, const std::string& target, const StoredMessage& message);
  // A row that sends the reply the inbox holds for `message_id` (Inbox::finish, in the same
  // transaction): the reply is stored once.
  std::int64_t add_reply(Transaction& tx, const std::string& target, const std::string& message_id);
  // The oldest rows after `after_id` (rows up to it are already on their way), at most `limit`.
  std::vector<Row> pending(std::size_t limit, std::int64_t after_id = 0);
  // Row `id` of this owner, if it is still to be sent.
  std::optional<Row> find(std::int64_t id);
  // Rows the broker accepted.
  void remove(Transaction& tx, const std::vector<std::int64_t>& ids);
  std::size_t size();
  // This owner's rows and when the oldest of them was made (ms since the epoch; none when there
  // is no row, or only rows of a file of layout 6 or before).
  struct Backlog {
    std::size_t rows = 0;
    std::optional<std::int64_t> oldest_ms;
  };
  Backlog backlog();

 private:
  friend class Store;
  Outbox(Connection* connection, const std::string* owner) : connection_(connection), owner_(owner) {}
  Connection* connection_;
  const std::string* owner_;
};


}  // namespace cimbus::store
