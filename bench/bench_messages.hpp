#pragma once
// Messages the benchmarks parse: a RequestMessage (create ServiceOrders) with every Header field
// and a ServiceOrders payload (valid against the Part 6 profile) whose ServiceOrder elements are
// repeated until the message reaches the asked size. The bytes are the same for cimbus and for
// the baselines it is compared against.

#include <cstddef>
#include <string>

namespace cimbus::bench {

std::string envelope_message(std::size_t target_bytes);

}  // namespace cimbus::bench
