#include "cimbus/store/object_order.hpp"

#include "stored_bytes.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::store {

std::int64_t ObjectOrder::next_number(Transaction& tx, const std::string& key) {
  (void)tx;
  Statement next = Statement::cached(*connection_, "INSERT INTO order_numbers (order_key, last) VALUES (?, 1) "
                                                   "ON CONFLICT (order_key) DO UPDATE SET last = order_numbers.last + 1 RETURNING last");
  next.bind(1, key);
  return next.returned_id();
}

ObjectOrder::Turn ObjectOrder::turn(Transaction& tx, const std::string& key, std::int64_t number) {
  (void)tx;
  Statement last = Statement::cached(*connection_, "SELECT last FROM order_taken WHERE order_key = ?");
  last.bind(1, key);
  const std::int64_t taken = last.step() ? last.number(0) : 0;
  if (number == taken + 1) return Turn::now;
  return number <= taken ? Turn::late : Turn::early;
}

void ObjectOrder::taken(Transaction& tx, const std::string& key, std::int64_t number) {
  (void)tx;
  Statement::cached(*connection_, "INSERT INTO order_taken (order_key, last) VALUES (?1, ?2) "
                                  "ON CONFLICT (order_key) DO UPDATE SET last = CASE WHEN ?2 > order_taken.last THEN ?2 ELSE order_taken.last END")
      .bind(1, key)
      .bind(2, number)
      .run();
}

bool ObjectOrder::park(Transaction& tx, const Parked& parked) {
  (void)tx;
  return Statement::cached(*connection_, "INSERT INTO order_parked (order_key, number, queue, message, parked) VALUES (?, ?, ?, ?, ?) "
                                         "ON CONFLICT DO NOTHING")
             .bind(1, parked.key)
             .bind(2, parked.number)
             .bind(3, parked.queue)
             .bind_blob(4, parked.message.SerializeAsString())
             .bind(5, parked.parked_ms)
             .run() == 1;
}

namespace {

ObjectOrder::Parked read_parked(const Statement& row) {
  return ObjectOrder::Parked{row.text(0), row.number(1), row.text(2), parse_stored(row.blob(3)), row.number(4)};
}

}  // namespace

std::optional<ObjectOrder::Parked> ObjectOrder::unpark(Transaction& tx, const std::string& key, std::int64_t number) {
  (void)tx;
  std::optional<Parked> found;
  {
    Statement row = Statement::cached(*connection_, "SELECT order_key, number, queue, message, parked FROM order_parked WHERE order_key = ? AND number = ?");
    row.bind(1, key).bind(2, number);
    if (row.step()) found = read_parked(row);
  }
  if (found) Statement::cached(*connection_, "DELETE FROM order_parked WHERE order_key = ? AND number = ?").bind(1, key).bind(2, number).run();
  return found;
}

std::vector<ObjectOrder::Parked> ObjectOrder::overdue(std::int64_t before_ms, std::size_t limit) {
  Statement rows = Statement::cached(*connection_,
                                     "SELECT p.order_key, p.number, p.queue, p.message, p.parked FROM order_parked p "
                                     "WHERE p.parked < ? AND p.number = (SELECT MIN(number) FROM order_parked q WHERE q.order_key = p.order_key) "
                                     "ORDER BY p.parked LIMIT ?");
  rows.bind(1, before_ms).bind(2, static_cast<std::int64_t>(limit));
  std::vector<Parked> out;
  while (rows.step()) out.push_back(read_parked(rows));
  return out;
}

std::size_t ObjectOrder::parked_count() {
  Statement count = Statement::cached(*connection_, "SELECT COUNT(*) FROM order_parked");
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

}  // namespace cimbus::store
