#pragma once
// The WMS adapter's handlers, for any WmsBackend: it takes work (MaintenanceOrders from the OMS;
// ServiceOrders, WorkRequests and ServiceRequests from the CIS) with create, change, cancel and
// get, and publishes every status change of that work (WorkStatusKind: scheduled, dispatched,
// enroute, onSite, completed as `changed`, then `closed`; a cancel as `canceled`). The system of
// record is behind WmsBackend; the embedded one is ReferenceWms.
//
// Any executable may install them on its adapter with any WmsBackend: the shipped cimbus-wms
// does with the embedded ReferenceWms (main.cpp); a system reached by a connector needs none of them
// (adapters/common/role.hpp).

#include <memory>

#include "cimbus/runtime/adapter.hpp"
#include "wms_backend.hpp"

namespace cimbus::wms {

// Registers the handlers and periodic work of the WMS role on `adapter`, before it starts.
void install_handlers(adapter::Adapter& adapter, std::shared_ptr<WmsBackend> backend);

}  // namespace cimbus::wms
