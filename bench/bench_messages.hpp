#pragma once
// Messages the benchmarks parse, valid against the project's schemas (the Part 6 ones also
// against the EPRI profiles): a payload item repeated until the message reaches the asked size.
// The bytes are the same for cimbus and for the baselines it is compared against.

#include <cstddef>
#include <string>

namespace cimbus::bench {

// create Readings, every Header field, a payload in a namespace without a schema in cimbus (so
// carried as XML), up to `target_bytes`: the envelope codec alone.
std::string untyped_payload_message(std::size_t target_bytes);
// create ServiceOrders, every Header field, ServiceOrder elements up to `target_bytes`.
std::string service_orders_message(std::size_t target_bytes);
// create TroubleTickets in the typed wrapper, realistic tickets up to `target_bytes`.
std::string trouble_tickets_message(std::size_t target_bytes);

}  // namespace cimbus::bench
