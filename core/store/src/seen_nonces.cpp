#include "cimbus/store/seen_nonces.hpp"

#include "cimbus/store/statement.hpp"

namespace cimbus::store {

bool SeenNonces::note(Transaction& tx, const std::string& source, const std::string& nonce, const std::string& message_id, std::int64_t now_ms) {
  (void)tx;
  Statement::cached(*connection_, "INSERT INTO seen_nonces (source, nonce, message_id, seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
      .bind(1, source)
      .bind(2, nonce)
      .bind(3, message_id)
      .bind(4, now_ms)
      .run();
  if (connection_->changes() == 1) return true;
  Statement first = Statement::cached(*connection_, "SELECT message_id FROM seen_nonces WHERE source = ? AND nonce = ?");
  first.bind(1, source).bind(2, nonce);
  return first.step() && first.text(0) == message_id;
}

std::size_t SeenNonces::forget(Transaction& tx, std::int64_t before_ms, std::size_t limit) {
  (void)tx;
  Statement::cached(*connection_,
                    "DELETE FROM seen_nonces WHERE (source, nonce) IN (SELECT source, nonce FROM seen_nonces WHERE seen < ? ORDER BY seen LIMIT ?)")
      .bind(1, before_ms)
      .bind(2, static_cast<std::int64_t>(limit))
      .run();
  return static_cast<std::size_t>(connection_->changes());
}

std::size_t SeenNonces::size() {
  Statement count = Statement::cached(*connection_, "SELECT COUNT(*) FROM seen_nonces");
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

}  // namespace cimbus::store
