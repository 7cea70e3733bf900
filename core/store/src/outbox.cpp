#include "cimbus/store/outbox.hpp"

#include <stdexcept>

#include "cimbus/codec/timestamp.hpp"
#include "stored_bytes.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::store {

std::int64_t Outbox::add(Transaction& tx, const std::string& target, const StoredMessage& message) {
  Statement insert = Statement::cached(*connection_, "INSERT INTO outbox (target, message, owner, created) VALUES (?, ?, ?, ?) RETURNING id");
  insert.bind(1, target).bind_blob(2, message.SerializeAsString()).bind(3, *owner_).bind(4, epoch_ms());
  (void)tx;
  return insert.returned_id();
}

std::int64_t Outbox::add_reply(Transaction& tx, const std::string& target, const std::string& message_id) {
  Statement insert = Statement::cached(*connection_, "INSERT INTO outbox (target, reply_of, owner, created) VALUES (?, ?, ?, ?) RETURNING id");
  insert.bind(1, target).bind(2, message_id).bind(3, *owner_).bind(4, epoch_ms());
  (void)tx;
  return insert.returned_id();
}

std::vector<Outbox::Row> Outbox::pending(std::size_t limit, std::int64_t after_id) {
  Statement rows = Statement::cached(*connection_,
                 "SELECT o.id, o.target, COALESCE(o.message, i.reply), o.reply_of FROM outbox o LEFT JOIN inbox i ON i.message_id = o.reply_of "
                 "WHERE o.owner = ? AND o.id > ? ORDER BY o.id LIMIT ?");
  rows.bind(1, *owner_);
  rows.bind(2, after_id);
  rows.bind(3, static_cast<std::int64_t>(limit));
  std::vector<Row> out;
  while (rows.step()) {
    if (rows.is_null(2)) out.push_back(Row{rows.number(0), rows.text(1), StoredMessage(), rows.is_null(3) ? std::string("?") : rows.text(3)});
    else out.push_back(Row{rows.number(0), rows.text(1), parse_stored(rows.blob(2)), {}});
  }
  return out;
}

std::optional<Outbox::Row> Outbox::find(std::int64_t id) {
  std::vector<Row> rows = pending(1, id - 1);
  if (rows.empty() || rows.front().id != id) return std::nullopt;
  return std::move(rows.front());
}

void Outbox::remove(Transaction& tx, const std::vector<std::int64_t>& ids) {
  (void)tx;
  Statement remove = Statement::cached(*connection_, "DELETE FROM outbox WHERE id = ?");
  for (std::int64_t id : ids) {
    remove.bind(1, id).run();
    remove.reset();
  }
}

Outbox::Backlog Outbox::backlog() {
  Statement count = Statement::cached(*connection_, "SELECT COUNT(*), MIN(NULLIF(created, 0)) FROM outbox WHERE owner = ?");
  count.bind(1, *owner_);
  count.step();
  Backlog b;
  b.rows = static_cast<std::size_t>(count.number(0));
  if (!count.is_null(1)) b.oldest_ms = count.number(1);
  return b;
}

std::size_t Outbox::size() {
  Statement count = Statement::cached(*connection_, "SELECT COUNT(*) FROM outbox WHERE owner = ?");
  count.bind(1, *owner_);
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

}  // namespace cimbus::store
