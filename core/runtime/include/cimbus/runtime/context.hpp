#pragma once
// What a handler sees of the message it handles, and how it answers (adapter.hpp).
//
//   adapter.on("TroubleTickets", Verb::create, [](Context& c) {
//     auto tickets = c.payload<customer::TroubleTickets>();   // the typed payload
//     store::Statement(c.tx(), "...").bind(1, ...).run();       // same transaction as the inbox
//     c.add_payload(created);                                  // into the reply
//     c.publish(event);                                        // sent after the commit
//   });
//
// Everything a handler does through its Context commits together with the note that the message
// was handled, or not at all; a handler that throws leaves nothing behind (Rejection: the
// requester gets FAILED with its codes; anything else: the delivery is tried again).
//
// Threading: a Context lives for one handler call on the runtime's worker thread.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "cimbus/envelope.pb.h"
#include "cimbus/codec/verb.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::adapter {

// A message's Request/Option value by name (e.g. "pageSize"); nullopt when absent.
std::optional<std::string> request_option(const Envelope& message, const std::string& name);

class Context {
 public:
  // An outgoing message queued by publish() or request().
  struct Outgoing {
    Envelope envelope;
    bool is_request = false;
    std::chrono::milliseconds deadline{0};  // requests: 0 = the adapter's default
  };

  Context(const Envelope& message, store::Transaction& tx, Envelope reply);

  // The message being handled: a request, an event, or a reply to a request this adapter sent.
  const Envelope& message() const { return message_; }
  const msg::HeaderType& header() const { return message_.message().header(); }
  const std::string& noun() const { return header().noun(); }
  Verb verb() const { return header().verb(); }

  // The first typed payload object of type T (nullopt when absent or of another type).
  template <class T>
  std::optional<T> payload() const { return first_of<T>(message_.payload_objects()); }
  // The first typed query object (Request/Get<Noun>) of type T.
  template <class T>
  std::optional<T> query() const { return first_of<T>(message_.request_objects()); }
  // Request/Option values by name (e.g. "pageSize"); nullopt when absent.
  std::optional<std::string> option(const std::string& name) const;

  // This message's transaction (the handler runs in a SAVEPOINT of it): what the handler and the
  // system's backend write through (store::Statement), committed with the inbox and outbox.
  store::Transaction& tx() const { return tx_; }

  // The reply being built: Result OK unless changed. Requests only; an event's handler may fill
  // it for an AckRequired acknowledgement.
  Envelope& reply() { return reply_; }
  void add_payload(const google::protobuf::Message& object);
  void add_reply_id(const std::string& id, msg::IDKindType::Value kind = msg::IDKindType::uuid);

  // An event (past-tense verb), published after the commit. Returns its MessageID. An event
  // caused by a request carries that request's CorrelationID, else its MessageID (IEC 61968-100
  // 6.9), unless the handler set one.
  std::string publish(Envelope event);
  // A request to another system, sent after the commit; its replies reach the adapter's reply
  // handler for that noun (on_reply), or a 4.1 FAILED reply when `deadline` passes first.
  // Returns its MessageID, the CorrelationID of its replies.
  std::string request(Envelope request, std::chrono::milliseconds deadline = std::chrono::milliseconds(0));

  std::vector<Outgoing>& outgoing() { return outgoing_; }

 private:
  template <class T, class Objects>
  static std::optional<T> first_of(const Objects& objects) {
    for (const auto& any : objects) {
      T object;
      if (any.UnpackTo(&object)) return object;
    }
    return std::nullopt;
  }

  const Envelope& message_;
  store::Transaction& tx_;
  Envelope reply_;
  std::vector<Outgoing> outgoing_;
};

}  // namespace cimbus::adapter
