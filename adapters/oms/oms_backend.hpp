#pragma once
// What the OMS adapter needs from an outage management system. The adapter turns messages into
// these calls and their results into replies and events; a utility plugs its own OMS in by
// implementing this interface (README: "Plugging in a real system"). Every call runs inside the
// message's transaction: `tx`, in the adapter's store, where the embedded reference OMS keeps its
// records and where a connector to a real OMS can keep what it must remember (e.g. the MessageID
// it sent a call with, to make its own retries idempotent).
//
// A call refuses with adapter::Rejection and a 61968-100 code (2.22 unknown customer, 6.1 a
// business rule such as "a closed ticket cannot change"); anything else it throws is a failure
// the runtime retries.

#include <optional>
#include <string>
#include <vector>

#include "cimbus/customer/incidents.pb.h"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/store/transaction.hpp"
#include "cimbus/work/maintenance_orders.pb.h"

namespace cimbus::oms {

using customer::incidents::Incident;
using customer::trouble_tickets::TroubleTicket;
using work::maintenance_orders::MaintenanceOrder;

class OmsBackend {
 public:
  virtual ~OmsBackend() = default;

  // Creates or migrates what the backend keeps in the adapter's file (before any message).
  virtual void prepare(store::Transaction& tx) = 0;

  // A reported ticket, grouped into the open incident of its transformer or a new one.
  struct Grouped {
    TroubleTicket ticket;          // as recorded, with its incident
    Incident incident;             // after the ticket joined it
    bool new_incident = false;
    std::optional<MaintenanceOrder> crew_work;  // for a new incident: the order to ask the WMS for
  };
  virtual Grouped take_ticket(store::Transaction& tx, const TroubleTicket& ticket) = 0;
  virtual TroubleTicket change_ticket(store::Transaction& tx, const TroubleTicket& ticket) = 0;
  // A canceled ticket leaves its incident (returned, changed).
  virtual std::pair<TroubleTicket, std::optional<Incident>> cancel_ticket(store::Transaction& tx, const std::string& mrid) = 0;
  virtual TroubleTicket close_ticket(store::Transaction& tx, const std::string& mrid) = 0;

  // The WMS reported progress on a maintenance order (its Work/statusKind); returns the incident
  // when that changed it, and whether the incident is now restored (closed).
  struct Progress {
    Incident incident;
    bool restored = false;
  };
  virtual std::optional<Progress> crew_progress(store::Transaction& tx, const MaintenanceOrder& order) = 0;
};

}  // namespace cimbus::oms
