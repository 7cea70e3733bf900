#pragma once
// The ReplayDetection Nonces of the messages taken (IEC 61968-100 6.3.2: a source does not repeat
// a Nonce for at least a day), by source, so that a message sent again under a new MessageID with
// an old Nonce is recognised as a replay. Part of the Store (store.hpp); shared by the instances
// of a system, as the inbox is.

#include <cstdint>
#include <string>

#include "cimbus/store/connection.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

class Store;

class SeenNonces {
 public:
  // Notes `nonce` of `source`, carried by `message_id`, at `now_ms`. False when it was noted before
  // for another message (and not yet forgotten): a replay. The same message again (a redelivery, a
  // query run again) is no replay.
  bool note(Transaction& tx, const std::string& source, const std::string& nonce, const std::string& message_id, std::int64_t now_ms);
  // Forgets what was noted before `before_ms`, at most `limit` entries; returns how many.
  std::size_t forget(Transaction& tx, std::int64_t before_ms, std::size_t limit);
  std::size_t size();

 private:
  friend class Store;
  explicit SeenNonces(Connection* connection) : connection_(connection) {}
  Connection* connection_;
};

}  // namespace cimbus::store
