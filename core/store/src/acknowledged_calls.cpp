#include "cimbus/store/acknowledged_calls.hpp"

#include <stdexcept>

#include "cimbus/store/statement.hpp"

namespace cimbus::store {

namespace {

AcknowledgedCalls::Entry read(const Statement& row) {
  AcknowledgedCalls::Entry e;
  e.message_id = row.text(0);
  e.correlation = row.text(1);
  e.noun = row.text(2);
  e.reply_target = row.text(3);
  e.deadline_ms = row.number(5);
  e.transport_correlation = row.text(6);
  const std::int64_t type = row.number(7);
  e.transport_correlation_type = IdType_IsValid(static_cast<int>(type)) ? static_cast<IdType>(type) : STRING;
  if (!e.reply.ParseFromString(row.blob(4))) throw std::runtime_error("acknowledged call " + e.message_id + ": its prepared reply is damaged");
  return e;
}

}  // namespace

void AcknowledgedCalls::add(Transaction& tx, const Entry& entry) {
  (void)tx;
  Statement::cached(*connection_, "INSERT INTO acknowledged_calls (message_id, correlation, noun, reply_target, reply, deadline, owner, "
                                  "transport_correlation, transport_correlation_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (message_id) DO UPDATE SET correlation = excluded.correlation, noun = excluded.noun, "
                                  "reply_target = excluded.reply_target, reply = excluded.reply, deadline = excluded.deadline, owner = excluded.owner, "
                                  "transport_correlation = excluded.transport_correlation, transport_correlation_type = excluded.transport_correlation_type")
      .bind(1, entry.message_id)
      .bind(2, entry.correlation)
      .bind(3, entry.noun)
      .bind(4, entry.reply_target)
      .bind_blob(5, entry.reply.SerializeAsString())
      .bind(6, entry.deadline_ms)
      .bind(7, *owner_)
      .bind(8, entry.transport_correlation)
      .bind(9, static_cast<std::int64_t>(entry.transport_correlation_type))
      .run();
}

std::optional<AcknowledgedCalls::Entry> AcknowledgedCalls::find(Transaction& tx, const std::string& correlation, const std::string& noun) {
  (void)tx;
  Statement row = Statement::cached(
      *connection_, "SELECT message_id, correlation, noun, reply_target, reply, deadline, transport_correlation, transport_correlation_type "
                      "FROM acknowledged_calls "
                      "WHERE correlation = ? AND (? = '' OR noun = ?) ORDER BY deadline LIMIT 1");
  row.bind(1, correlation).bind(2, noun).bind(3, noun);
  if (!row.step()) return std::nullopt;
  return read(row);
}

void AcknowledgedCalls::remove(Transaction& tx, const std::string& message_id) {
  (void)tx;
  Statement::cached(*connection_, "DELETE FROM acknowledged_calls WHERE message_id = ?").bind(1, message_id).run();
}

std::vector<AcknowledgedCalls::Entry> AcknowledgedCalls::expired(std::int64_t now_ms, std::size_t limit) {
  Statement rows = Statement::cached(
      *connection_, "SELECT message_id, correlation, noun, reply_target, reply, deadline, transport_correlation, transport_correlation_type "
                      "FROM acknowledged_calls "
                      "WHERE owner = ? AND deadline <= ? ORDER BY deadline LIMIT ?");
  rows.bind(1, *owner_).bind(2, now_ms).bind(3, static_cast<std::int64_t>(limit));
  std::vector<Entry> out;
  while (rows.step()) out.push_back(read(rows));
  return out;
}

std::optional<std::int64_t> AcknowledgedCalls::next_deadline() {
  Statement first = Statement::cached(*connection_, "SELECT MIN(deadline) FROM acknowledged_calls WHERE owner = ?");
  first.bind(1, *owner_);
  if (!first.step() || first.is_null(0)) return std::nullopt;
  return first.number(0);
}

std::size_t AcknowledgedCalls::size() {
  Statement count = Statement::cached(*connection_, "SELECT COUNT(*) FROM acknowledged_calls WHERE owner = ?");
  count.bind(1, *owner_);
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

}  // namespace cimbus::store
