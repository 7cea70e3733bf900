#pragma once
// Messages the benchmarks parse: a RequestMessage (create ServiceOrders) with every Header field
// and a payload of ServiceOrder elements repeated until the message reaches the asked size. The
// bytes are the same for cimbus and for the baselines it is compared against.

#include <cstddef>
#include <string>

namespace cimbus::bench {

std::string envelope_message(std::size_t target_bytes);

}  // namespace cimbus::bench
