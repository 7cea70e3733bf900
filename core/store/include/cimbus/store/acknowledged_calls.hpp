#pragma once
// Requests the adapter forwarded to a system that acknowledged them (code 0.3) and will send the
// result later, by a call of its own (IEC 61968-100 8.2: AsyncReplyFlag, the Response service).
// Each entry keeps what is needed to answer the requester then: where its reply goes and the reply
// prepared for it. Part of the Store (store.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cimbus/envelope.pb.h"
#include "cimbus/stored_message.pb.h"
#include "cimbus/store/connection.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

class Store;

class AcknowledgedCalls {
 public:
  struct Entry {
    std::string message_id;        // the request's inbox key
    std::string correlation;       // the CorrelationID the system's result carries (clause 6.9)
    std::string noun;
    std::string reply_target;      // where the request's reply goes
    Envelope reply;                // prepared (MessageID, CorrelationID); the result fills it in
    std::int64_t deadline_ms = 0;  // ms since the epoch: then the requester gets 4.1
    std::string transport_correlation;  // the AMQP correlation-id of the reply (bus/reply_correlation.hpp)
    IdType transport_correlation_type = STRING;
  };

  void add(Transaction& tx, const Entry& entry);
  // The oldest entry of `noun` awaiting the result with this CorrelationID ("" noun: any noun).
  std::optional<Entry> find(Transaction& tx, const std::string& correlation, const std::string& noun);
  void remove(Transaction& tx, const std::string& message_id);
  // This instance's entries past their deadline at `now_ms`, oldest first.
  std::vector<Entry> expired(std::int64_t now_ms, std::size_t limit);
  std::optional<std::int64_t> next_deadline();
  std::size_t size();

 private:
  friend class Store;
  AcknowledgedCalls(Connection* connection, const std::string* owner) : connection_(connection), owner_(owner) {}
  Connection* connection_;
  const std::string* owner_;
};

}  // namespace cimbus::store
