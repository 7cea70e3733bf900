#pragma once
// The embedded reference OMS: tickets grouped into incidents by the distribution transformer
// that feeds the caller (the synthetic territory), estimated restoration times from crew
// progress, records in the adapter's SQLite file (common/records.hpp).
//
// Settings (connector.settings): the territory's (territory.hpp), and etr_initial_ms (the first
// estimate, 20000) and repair_ms (the expected time on site, 3000). A test switch: fail_on_comment
// makes taking a ticket whose comment contains it fail (a handler fault, tried again and then
// dead-lettered), for drills of the dead-letter tools; a restart without it is the fix.

#include <map>
#include <string>

#include "oms_backend.hpp"
#include "state_route.hpp"
#include "territory.hpp"

namespace cimbus::oms {

class ReferenceOms : public OmsBackend {
 public:
  explicit ReferenceOms(const std::map<std::string, std::string>& settings);

  void prepare(store::Transaction& tx) override;
  Grouped take_ticket(store::Transaction& tx, const TroubleTicket& ticket) override;
  TroubleTicket change_ticket(store::Transaction& tx, const TroubleTicket& ticket) override;
  std::pair<TroubleTicket, std::optional<Incident>> cancel_ticket(store::Transaction& tx, const std::string& mrid) override;
  TroubleTicket close_ticket(store::Transaction& tx, const std::string& mrid) override;
  std::optional<Progress> crew_progress(store::Transaction& tx, const MaintenanceOrder& order) override;

  // Its read API (state_route.hpp): its records, and `outages`, each incident's outage summary
  // (name, state, customers out, critical ones, tickets).
  static std::vector<reference::StateTable> state_tables();

 private:
  reference::Territory territory_;
  long long etr_initial_ms_;
  long long repair_ms_;
  std::string fail_on_comment_;
};

}  // namespace cimbus::oms
