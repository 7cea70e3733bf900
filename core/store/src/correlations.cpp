#include "cimbus/store/correlations.hpp"

#include <stdexcept>

#include "cimbus/store/statement.hpp"

namespace cimbus::store {

void Correlations::add(Transaction& tx, const Entry& entry) {
  (void)tx;
  Statement::cached(*connection_, "INSERT INTO correlations (message_id, noun, deadline, owner) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (message_id) DO UPDATE SET noun = excluded.noun, deadline = excluded.deadline, owner = excluded.owner")
      .bind(1, entry.message_id)
      .bind(2, entry.noun)
      .bind(3, entry.deadline_ms)
      .bind(4, *owner_)
      .run();
}

bool Correlations::awaits(Transaction& tx, const std::string& message_id) {
  (void)tx;
  Statement find = Statement::cached(*connection_, "SELECT 1 FROM correlations WHERE message_id = ?");
  find.bind(1, message_id);
  return find.step();
}

bool Correlations::answer(Transaction& tx, const std::string& message_id, bool final) {
  if (!awaits(tx, message_id)) return false;
  if (final) Statement::cached(*connection_, "DELETE FROM correlations WHERE message_id = ?").bind(1, message_id).run();
  return true;
}

std::vector<Correlations::Entry> Correlations::expired(std::int64_t now_ms, std::size_t limit) {
  Statement rows = Statement::cached(*connection_, "SELECT message_id, noun, deadline FROM correlations WHERE owner = ? AND deadline <= ? ORDER BY deadline LIMIT ?");
  rows.bind(1, *owner_).bind(2, now_ms).bind(3, static_cast<std::int64_t>(limit));
  std::vector<Entry> out;
  while (rows.step()) out.push_back(Entry{rows.text(0), rows.text(1), rows.number(2)});
  return out;
}

std::optional<std::int64_t> Correlations::next_deadline() {
  Statement first = Statement::cached(*connection_, "SELECT MIN(deadline) FROM correlations WHERE owner = ?");
  first.bind(1, *owner_);
  if (!first.step() || first.is_null(0)) return std::nullopt;
  return first.number(0);
}

std::size_t Correlations::size() {
  Statement count = Statement::cached(*connection_, "SELECT COUNT(*) FROM correlations WHERE owner = ?");
  count.bind(1, *owner_);
  count.step();
  return static_cast<std::size_t>(count.number(0));
}

}  // namespace cimbus::store
