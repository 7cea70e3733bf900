#pragma once
// The CIS adapter's handlers, for any CisBackend: customer contacts entered in the CIS become
// messages: outage calls become TroubleTickets for the OMS (create, and cancel on a call-back),
// service needs become ServiceOrders, ServiceRequests or WorkRequests for the WMS. It follows what
// the OMS and WMS publish (Incidents: customer notifications, and the tickets closed when power is
// restored; work status changes), and serves the customer agreements it owns to third parties
// (create, change, cancel, get, with created/changed/canceled events). The system of record is
// behind CisBackend; the embedded one is ReferenceCis.
//
// Any executable may install them on its adapter with any CisBackend: the shipped cimbus-cis
// does with the embedded ReferenceCis (main.cpp); a system reached by a connector needs none of them
// (adapters/common/role.hpp).

#include <memory>

#include "cimbus/runtime/adapter.hpp"
#include "cis_backend.hpp"

namespace cimbus::cis {

// Registers the handlers and periodic work of the CIS role on `adapter`, before it starts.
void install_handlers(adapter::Adapter& adapter, std::shared_ptr<CisBackend> backend);

}  // namespace cimbus::cis
