#pragma once
// What the storm reads back from the three systems' states (system_state.hpp, each a file of the
// storm's read through HTTP): its progress while it runs, the report tables at the end, and the conservation check (every ticket, incident and order reached its
// final state exactly once, in every system that knows it; nothing left unsent or given up).

#include <array>
#include <ostream>
#include <utility>
#include <string>
#include <vector>

#include "portal.hpp"
#include "scenario.hpp"
#include "store_view.hpp"

namespace cimbus::storm {

struct Stores {
  const StoreView& cis;
  const StoreView& oms;          // the OMS's records: its adapter's store, or an outside OMS's state
  const StoreView& wms;          // the same for the WMS
  const StoreView& oms_adapter;  // the OMS adapter's backlog (the same as oms when embedded)
  const StoreView& wms_adapter;

  // The three systems, with their names, in report order.
  std::array<std::pair<const char*, const StoreView*>, 3> all() const { return {{{"cis", &cis}, {"oms", &oms}, {"wms", &wms}}}; }
  // The three adapters' backlogs (outbox rows, messages given up).
  std::array<std::pair<const char*, const StoreView*>, 3> adapters() const {
    return {{{"cis", &cis}, {"oms", &oms_adapter}, {"wms", &wms_adapter}}};
  }
};

struct Progress {
  std::int64_t calls = 0, calls_final = 0;       // at the CIS: taken, and whose ticket is final
  std::int64_t needs = 0, needs_final = 0;       // service needs taken, and whose work is final
  std::int64_t incidents = 0, incidents_open = 0;
  std::int64_t orders = 0, orders_open = 0;      // maintenance orders at the WMS
  std::int64_t oms_tickets_open = 0;
  std::int64_t oms_tickets = 0;                  // tickets the OMS made

  // Everything the plan put in has reached its end (the portal is counted by the caller).
  bool settled(const Scenario& scenario) const;
};

Progress read_progress(const Stores& stores);

// The report tables.
void print_report(std::ostream& out, const Stores& stores, const Scenario& scenario, const Portal& portal);

// The conservation check, once every process stopped: the discrepancies (none: conservation OK).
// With several OMS instances, each must have taken a share of the requests.
std::vector<std::string> check_conservation(const Stores& stores, const reference::Territory& territory, const Scenario& scenario, const Portal& portal,
                                            int oms_instances);

}  // namespace cimbus::storm
