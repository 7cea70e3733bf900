#pragma once
// The message journal: a row for every message the adapter took in or sent, written in the
// transaction that took or made it, kept for a retention period (README, "Operating it"). What
// `GET /journal?id=` and `cimbus trace` read. Part of the Store (store.hpp); instances sharing a
// file share it, each row naming its instance.
//
// Each row names the objects it is about: its subjects (the mRIDs of the payload's objects) and
// its references (mRIDs nested deeper, and a get's Request IDs), so that a conversation can be
// found from any of them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cimbus/store/connection.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::store {

class Store;

struct JournalEntry {
  std::int64_t id = 0;         // set by add()
  std::int64_t at_ms = 0;      // ms since the epoch
  std::string instance;
  std::string direction;       // in, out
  std::string kind;            // request, reply, event, fault, dead_letter
  std::string noun;
  std::string verb;
  std::string message_id;
  std::string correlation_id;
  std::vector<std::string> subjects;    // mRIDs of the payload's objects
  std::vector<std::string> references;  // mRIDs nested in them, Request IDs
  std::string result;          // in: ok, failed, duplicate, ...; out: queued; a reply's Result too
  std::string codes;           // the IEC 61968-100 codes it carries or was answered with, space-separated
  std::string peer;            // in: its Source (or queue); out: where it goes
  std::optional<std::string> body;  // the message itself, when the journal keeps bodies
  // Names of the subjects and references that another row of the transaction indexes for this
  // one: the request this row answers (find() reaches a reply from its request's row). Views of
  // the caller's strings, which outlive add().
  std::vector<std::string_view> indexed_by_request;
};

// How many rows the journal holds of one kind of message, for one instance.
struct JournalCount {
  std::string instance, direction, kind, noun, verb, result, codes;
  std::int64_t n = 0;
};

class Journal {
 public:
  // The row, and its names (each once, less `indexed_by_request`) for find().
  void add(Transaction& tx, JournalEntry& entry);
  // Rows whose MessageID or CorrelationID is `id`, or that name it as a subject or reference,
  // with the rows that answer them (CorrelationID = their MessageID); oldest first, at most `limit`.
  std::vector<JournalEntry> find(const std::string& id, std::size_t limit);
  // The rows counted by instance, direction, kind, noun, verb, result and codes (GET /journal/counts).
  std::vector<JournalCount> counts();
  // Forgets rows older than `before_ms`, at most `limit`; returns how many.
  std::size_t forget_before(Transaction& tx, std::int64_t before_ms, std::size_t limit);
  std::size_t size();

 private:
  friend class Store;
  friend class JournalReader;
  explicit Journal(Connection* connection) : connection_(connection) {}
  Connection* connection_;
};

// The journal read from another thread than the adapter's worker (the operations endpoint): a
// read-only connection of its own (WAL: it never blocks the writer).
class JournalReader {
 public:
  explicit JournalReader(const std::string& store_path);
  ~JournalReader();
  std::vector<JournalEntry> find(const std::string& id, std::size_t limit) { return journal_.find(id, limit); }
  std::vector<JournalCount> counts() { return journal_.counts(); }

 private:
  std::unique_ptr<Connection> connection_;
  Journal journal_;
};

}  // namespace cimbus::store
