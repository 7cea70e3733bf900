#pragma once
// What the WMS adapter needs from a work management system, for the four kinds of work it takes:
// MaintenanceOrders (crew work the OMS asks for), ServiceOrders, WorkRequests and ServiceRequests
// (from the CIS). Items are the payloads' list items (MaintenanceOrder, ServiceOrder, ...), given
// as protobuf messages. Calls run inside the message's transaction (`db`, as in OmsBackend) and
// refuse with adapter::Rejection (6.1 for a business rule, e.g. completed work cannot be canceled).

#include <string>
#include <vector>

#include <google/protobuf/message.h>

struct sqlite3;

namespace cimbus::wms {

class WmsBackend {
 public:
  virtual ~WmsBackend() = default;

  virtual void prepare(sqlite3* db) = 0;

  // New work, waiting to be scheduled; returns it as recorded (statuses set).
  virtual std::unique_ptr<google::protobuf::Message> accept(sqlite3* db, const std::string& noun, const google::protobuf::Message& item) = 0;
  virtual std::unique_ptr<google::protobuf::Message> change(sqlite3* db, const std::string& noun, const google::protobuf::Message& item) = 0;
  virtual std::unique_ptr<google::protobuf::Message> cancel(sqlite3* db, const std::string& noun, const std::string& mrid) = 0;

  // The WMS's own progress since the last call: scheduling, crews dispatched, en route, on site,
  // work completed and closed. Each change is an event to publish.
  struct Update {
    std::string noun;
    std::unique_ptr<google::protobuf::Message> item;
    bool closed = false;  // the work reached its final state (closed): the event is `closed`
  };
  virtual std::vector<Update> advance(sqlite3* db) = 0;
};

}  // namespace cimbus::wms
