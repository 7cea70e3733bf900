#pragma once
// Customers reaching the CIS: the storm writes their calls and service needs into the reference
// CIS's intake tables (reference_cis.hpp) at the moments the plan says, as the CIS's own front
// end would. The CIS takes them from there; a CIS that is down finds them when it is back.
//
// Threading: one thread.

#include <cstdint>
#include <memory>
#include <string>

#include "cimbus/store/connection.hpp"
#include "scenario.hpp"

namespace cimbus::storm {

class Intake {
 public:
  Intake(const std::string& cis_store, const Scenario& scenario);
  Intake(const Intake&) = delete;
  Intake& operator=(const Intake&) = delete;

  // Writes what is due at `elapsed_ms` into the storm, in one transaction. When the CIS's store
  // refuses the write (a full disk), nothing is written and the next tick tries again, as a call
  // centre keeps its calls until its system takes them; the refusal is kept in last_refusal().
  void tick(std::int64_t elapsed_ms);
  const std::string& last_refusal() const { return last_refusal_; }
  std::size_t written() const { return calls_written_ + needs_written_; }
  bool done() const;

 private:
  // Calls up to `c` and needs up to `n`, committed together.
  void write(std::size_t c, std::size_t n);

  const Scenario& scenario_;
  std::unique_ptr<store::Connection> connection_;
  std::size_t calls_written_ = 0;
  std::size_t needs_written_ = 0;
  std::string last_refusal_;
};

}  // namespace cimbus::storm
