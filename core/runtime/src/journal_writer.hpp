#pragma once
// Writes the message journal (cimbus/store/journal.hpp): a row for each message taken in, with its
// result, and for each message sent (an outbox row), in the transaction that took or made it. Off
// when config journal.off; bodies kept when journal.bodies.
//
// Threading: the worker thread's own.

#include <cstdint>
#include <string>

#include "cimbus/bus/amqp_message.hpp"
#include "cimbus/runtime/adapter_options.hpp"
#include "cimbus/store/store.hpp"
#include "message_names.hpp"

namespace cimbus::adapter::detail {

class JournalWriter {
 public:
  JournalWriter(const AdapterOptions& options, store::Store& store);

  // What a message taken in was, as the pipeline saw it.
  struct TakenIn {
    std::string kind;  // request, event, reply, unrouted, unreadable
    std::string noun;
    std::string verb;
    std::string message_id;
    std::string correlation_id;
    std::string source;  // Header/Source, else the queue
    std::string result;  // ok, failed, duplicate, retried, ...
    std::string codes;   // what it was answered with or refused for
    const std::string* body = nullptr;
    const MessageNames* names = nullptr;  // what the body names, when read already
    std::int64_t at_ms = 0;  // when it was taken (0: now)
  };
  void taken_in(store::Transaction& tx, const TakenIn& in);
  // The message a reply answers, when the caller writes its row (taken_in) in the same
  // transaction: the reply's row leaves the names they share for that row to index.
  struct Answering {
    const std::string& message_id;  // its row's MessageID
    const MessageNames& names;
  };
  // An outbox row for `target`, in `tx`; `dead_letter`: to the system's dead-letter queue.
  // `names`: what its body names, when the caller read them already; read here otherwise.
  void sent(store::Transaction& tx, const std::string& target, const store::StoredMessage& message, bool dead_letter,
            const MessageNames* names = nullptr, const Answering* answering = nullptr);
  // Whether rows are written at all (config journal.off).
  bool on() const { return on_; }

 private:
  bool on_;
  bool bodies_;
  std::string instance_;
  store::Store& store_;
};

}  // namespace cimbus::adapter::detail
