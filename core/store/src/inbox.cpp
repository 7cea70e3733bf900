#include "cimbus/store/inbox.hpp"

#include <algorithm>
#include <stdexcept>

#include "cimbus/codec/timestamp.hpp"
#include "stored_bytes.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::store {

// One statement for a MessageID never seen (most messages): an INSERT that does nothing for one
// seen before, which is then read and its attempts updated. One writer per store at a time (the
// advisory lock or SQLite's own), so nothing comes between the look and the write.
Inbox::Entry Inbox::take(Transaction& tx, const std::string& message_id, bool delivered_before) {
  const int at_least = delivered_before ? 2 : 1;  // the broker says it delivered this before
  Statement::cached(*connection_, "INSERT INTO inbox (message_id, state, attempts, first_seen) VALUES (?, 'fresh', ?, ?) ON CONFLICT (message_id) DO NOTHING")
      .bind(1, message_id)
      .bind(2, static_cast<std::int64_t>(at_least))
      .bind(3, epoch_ms())
      .run();
  if (connection_->changes() == 1) {
    Entry e;
    e.attempts = at_least;
    return e;
  }
  std::optional<Entry> e = seen(tx, message_id, at_least);
  if (!e) throw std::runtime_error("inbox: " + message_id + " neither added nor found");
  return *e;
}

Inbox::Entry Inbox::look(Transaction& tx, const std::string& message_id, bool delivered_before) {
  const int at_least = delivered_before ? 2 : 1;
  if (std::optional<Entry> e = seen(tx, message_id, at_least)) return *e;
  Entry e;
  e.attempts = at_least;
  e.stored = false;
  return e;
}

void Inbox::add(Transaction& tx, const std::string& message_id, const Entry& entry, const std::string& reply_target,
                const std::optional<StoredMessage>& reply) {
  (void)tx;
  Statement insert = Statement::cached(*connection_,
                                       "INSERT INTO inbox (message_id, state, attempts, first_seen, reason, reply_target, reply) VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, message_id)
      .bind(2, std::string(entry.state == State::handled ? "handled" : entry.state == State::dead ? "dead" : "fresh"))
      .bind(3, static_cast<std::int64_t>(entry.attempts))
      .bind(4, epoch_ms());
  if (entry.reason.empty()) insert.bind_null(5);
  else insert.bind(5, entry.reason);
  if (reply_target.empty() && entry.state != State::handled) insert.bind_null(6);
  else insert.bind(6, reply_target);
  if (reply) insert.bind_blob(7, reply->SerializeAsString());
  else insert.bind_null(7);
  insert.run();
}

// A MessageID seen before: its row read, and this attempt counted. Nothing for one never seen.
std::optional<Inbox::Entry> Inbox::seen(Transaction& tx, const std::string& message_id, int at_least) {
  (void)tx;
  Entry e;
  {
    Statement row = Statement::cached(*connection_, "SELECT state, attempts, reply_target, reply, reason FROM inbox WHERE message_id = ?");
    row.bind(1, message_id);
    if (!row.step()) return std::nullopt;
    const std::string state = row.text(0);
    e.state = state == "handled" ? State::handled : state == "dead" ? State::dead : State::fresh;
    e.attempts = std::max(static_cast<int>(row.number(1)) + 1, at_least);
    e.reply_target = row.text(2);
    if (!row.is_null(3)) e.reply = parse_stored(row.blob(3));
    e.reason = row.text(4);
  }
  Statement::cached(*connection_, "UPDATE inbox SET attempts = ? WHERE message_id = ?")
      .bind(1, static_cast<std::int64_t>(e.attempts))
      .bind(2, message_id)
      .run();
  return e;
}

void Inbox::finish(Transaction& tx, const std::string& message_id, const std::string& reply_target,
                   const std::optional<StoredMessage>& reply, Entry* entry) {
  if (entry != nullptr && !entry->stored) {
    Entry handled = *entry;
    handled.state = State::handled;
    add(tx, message_id, handled, reply_target, reply);
    entry->stored = true;
    return;
  }
  Statement update = Statement::cached(*connection_, "UPDATE inbox SET state = 'handled', reply_target = ?, reply = ? WHERE message_id = ?");
  update.bind(1, reply_target);
  if (reply) update.bind_blob(2, reply->SerializeAsString());
  else update.bind_null(2);
  update.bind(3, message_id).run();
}

void Inbox::give_up(Transaction& tx, const std::string& message_id, const std::string& reason, Entry* entry) {
  if (entry != nullptr && !entry->stored) {
    Entry dead = *entry;
    dead.state = State::dead;
    dead.reason = reason;
    add(tx, message_id, dead);
    entry->stored = true;
    return;
  }
  Statement::cached(*connection_, "UPDATE inbox SET state = 'dead', reason = ? WHERE message_id = ?").bind(1, reason).bind(2, message_id).run();
}

bool Inbox::revive(Transaction& tx, const std::string& message_id) {
  (void)tx;
  Statement::cached(*connection_, "UPDATE inbox SET state = 'fresh', attempts = 1, reason = NULL WHERE message_id = ? AND state = 'dead'")
      .bind(1, message_id)
      .run();
  return connection_->changes() == 1;
}

std::size_t Inbox::forget_before(Transaction& tx, std::int64_t before_ms, std::size_t limit) {
  Statement::cached(*connection_,
            "DELETE FROM inbox WHERE message_id IN (SELECT i.message_id FROM inbox i WHERE i.first_seen < ? "
            "AND i.message_id NOT IN (SELECT reply_of FROM outbox WHERE reply_of IS NOT NULL) "
            "AND i.message_id NOT IN (SELECT message_id FROM acknowledged_calls) ORDER BY i.first_seen LIMIT ?)")
      .bind(1, before_ms)
      .bind(2, static_cast<std::int64_t>(limit))
      .run();
  (void)tx;
  return static_cast<std::size_t>(connection_->changes());
}

std::size_t Inbox::size() {
  Statement count = Statement::cached(*connection_, "SELECT COUNT(*) FROM inbox");
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

}  // namespace cimbus::store
