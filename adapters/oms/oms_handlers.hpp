#pragma once
// The OMS adapter's handlers, for any OmsBackend: it takes trouble tickets from the CIS (create,
// change, cancel, close, get), groups them into incidents and publishes both (TroubleTickets and
// Incidents created/changed/closed, with the estimated restoration time), asks the WMS for crew
// work on each new incident (MaintenanceOrders create), and follows the crews (MaintenanceOrders
// events) until it restores and closes the incident. The system of record is behind OmsBackend; the
// embedded one is ReferenceOms.
//
// Any executable may install them on its adapter with any OmsBackend: the shipped cimbus-oms
// does with the embedded ReferenceOms (main.cpp); a system reached by a connector needs none of them
// (adapters/common/role.hpp).

#include <memory>

#include "cimbus/runtime/adapter.hpp"
#include "oms_backend.hpp"

namespace cimbus::oms {

// Registers the handlers and periodic work of the OMS role on `adapter`, before it starts.
void install_handlers(adapter::Adapter& adapter, std::shared_ptr<OmsBackend> backend);

}  // namespace cimbus::oms
