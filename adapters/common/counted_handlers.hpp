#pragma once
// Registers a role's handlers so that every message they take is first counted in the system's
// traffic (records.hpp: noun, verb, "in", per instance), which the storm's report reads.
//
//   CountedHandlers a(adapter);
//   a.on("TroubleTickets", Verb::create, [](Context& c) { ... });   // counted, then handled

#include <string>

#include "cimbus/runtime/adapter.hpp"

namespace cimbus::reference {

class CountedHandlers {
 public:
  explicit CountedHandlers(adapter::Adapter& adapter) : adapter_(adapter) {}

  void on(const std::string& noun, Verb verb, adapter::Adapter::Handler handler);
  void on_event(const std::string& noun, Verb verb, adapter::Adapter::Handler handler);
  void on_reply(const std::string& noun, adapter::Adapter::Handler handler);
  // Not counted: the tables of the system of record.
  void prepare_store(std::function<void(store::Transaction&)> prepare) { adapter_.prepare_store(std::move(prepare)); }

 private:
  adapter::Adapter& adapter_;
};

}  // namespace cimbus::reference
