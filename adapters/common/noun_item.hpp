#pragma once
// An item of a noun's payload (a MaintenanceOrder of MaintenanceOrders, a ServiceOrder of
// ServiceOrders ...) with the noun it belongs to: how a backend call that serves several nouns
// alike takes and gives its objects. A call that serves one noun takes its generated type instead
// (decisions/0010).

#include <memory>
#include <string>

#include <google/protobuf/message.h>

namespace cimbus::reference {

struct NounItem {
  std::string noun;
  std::unique_ptr<google::protobuf::Message> item;
};

}  // namespace cimbus::reference
