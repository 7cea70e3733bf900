#pragma once
// Requests this adapter sent and still awaits the reply to. Part of the Store (store.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cimbus/store/connection.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

class Store;

// Each entry is a request with its deadline; a reply, or the deadline, ends it exactly once.
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
  // True while a request with this MessageID awaits its reply.
  bool awaits(Transaction& tx, const std::string& message_id);
  // Entries past their deadline at `now_ms`, oldest first (end them with answer()).
  std::vector<Entry> expired(std::int64_t now_ms, std::size_t limit);
  // The earliest deadline, if any entry is open.
  std::optional<std::int64_t> next_deadline();
  std::size_t size();

 private:
  friend class Store;
  Correlations(Connection* connection, const std::string* owner) : connection_(connection), owner_(owner) {}
  Connection* connection_;
  const std::string* owner_;
};


}  // namespace cimbus::store
