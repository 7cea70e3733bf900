#pragma once
// What the WMS adapter needs from a work management system, for the four kinds of work it takes:
// MaintenanceOrders (crew work the OMS asks for), ServiceOrders, WorkRequests and ServiceRequests
// (from the CIS). The calls serve the four nouns alike, so work is a reference::NounItem (the
// payload's list item with its noun). Calls run inside the message's transaction (`tx`, as in
// OmsBackend) and refuse with adapter::Rejection (6.1 for a business rule, e.g. completed work
// cannot be canceled).

#include <string>
#include <vector>

#include "cimbus/store/transaction.hpp"
#include "noun_item.hpp"

namespace cimbus::wms {

using reference::NounItem;

class WmsBackend {
 public:
  virtual ~WmsBackend() = default;

  virtual void prepare(store::Transaction& tx) = 0;

  // New work, waiting to be scheduled; returns it as recorded (statuses set).
  virtual NounItem accept(store::Transaction& tx, const NounItem& work) = 0;
  virtual NounItem change(store::Transaction& tx, const NounItem& work) = 0;
  virtual NounItem cancel(store::Transaction& tx, const std::string& noun, const std::string& mrid) = 0;

  // The WMS's own progress since the last call: scheduling, crews dispatched, en route, on site,
  // work completed and closed. Each change is an event to publish.
  struct Update {
    NounItem work;
    bool closed = false;  // the work reached its final state (closed): the event is `closed`
  };
  virtual std::vector<Update> advance(store::Transaction& tx) = 0;
};

}  // namespace cimbus::wms
