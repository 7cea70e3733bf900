#pragma once
// Customers reaching the CIS: the storm posts their calls and service needs to the reference
// CIS's intake (POST <endpoint>/reference/intake, adapters/cis/intake_route.hpp) at the moments
// the plan says, as the CIS's own front end would. Each row carries its number in the plan, so a
// row sent again after a lost answer is taken once.
//
// A CIS that is away (a crash drill) or whose store refuses the write (a full disk) does not take
// them: they are kept and sent again at the next tick, as a call centre keeps its calls until its
// system takes them.
//
// Threading: one thread.

#include <cstdint>
#include <string>

#include "scenario.hpp"

namespace cimbus::storm {

class Intake {
 public:
  Intake(std::string cis_endpoint, const Scenario& scenario);
  Intake(const Intake&) = delete;
  Intake& operator=(const Intake&) = delete;

  // Sends what is due at `elapsed_ms` and not taken yet, in one request. A refusal is kept in
  // last_refusal().
  void tick(std::int64_t elapsed_ms);
  const std::string& last_refusal() const { return last_refusal_; }
  std::size_t written() const { return calls_written_ + needs_written_; }
  bool done() const;

 private:
  // Calls up to `c` and needs up to `n`, taken together or not at all.
  void send(std::size_t c, std::size_t n);

  const std::string url_;
  const Scenario& scenario_;
  std::size_t calls_written_ = 0;
  std::size_t needs_written_ = 0;
  std::string last_refusal_;
  std::int64_t retry_at_ms_ = 0;  // after a refusal, not before
};

}  // namespace cimbus::storm
