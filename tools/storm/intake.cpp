#include "intake.hpp"

#include "cimbus/codec/timestamp.hpp"
#include "cimbus/store/sqlite_engine.hpp"
#include "cimbus/store/statement.hpp"
#include "cimbus/store/transaction.hpp"

namespace cimbus::storm {

using store::Statement;

Intake::Intake(const std::string& cis_store, const Scenario& scenario)
    : scenario_(scenario), connection_(store::open_sqlite(cis_store, {store::SqliteOpen::read_write, std::chrono::milliseconds(30000)})) {}

bool Intake::done() const { return calls_written_ == scenario_.calls.size() && needs_written_ == scenario_.needs.size(); }

void Intake::tick(std::int64_t elapsed_ms) {
  const auto& calls = scenario_.calls;
  const auto& needs = scenario_.needs;
  std::size_t c = calls_written_, n = needs_written_;
  while (c < calls.size() && calls[c].at_ms <= elapsed_ms) ++c;
  while (n < needs.size() && needs[n].at_ms <= elapsed_ms) ++n;
  if (c == calls_written_ && n == needs_written_) return;
  try {
    write(c, n);
  } catch (const std::exception& e) {
    last_refusal_ = e.what();
  }
}

void Intake::write(std::size_t c, std::size_t n) {
  const auto& calls = scenario_.calls;
  const auto& needs = scenario_.needs;
  const std::int64_t now = epoch_ms();
  store::Transaction tx(*connection_, store::Durability::full);
  for (std::size_t i = calls_written_; i < c; ++i)
    Statement(tx, "INSERT INTO calls (customer, at, cancel_after_ms) VALUES (?, ?, ?)")
        .bind(1, calls[i].customer)
        .bind(2, now)
        .bind(3, calls[i].cancel_after_ms)
        .run();
  for (std::size_t i = needs_written_; i < n; ++i)
    Statement(tx, "INSERT INTO service_needs (noun, customer, kind, at, cancel_after_ms) VALUES (?, ?, ?, ?, ?)")
        .bind(1, needs[i].noun)
        .bind(2, needs[i].customer)
        .bind(3, needs[i].kind)
        .bind(4, now)
        .bind(5, needs[i].cancel_after_ms)
        .run();
  tx.commit();
  calls_written_ = c;
  needs_written_ = n;
}

}  // namespace cimbus::storm
