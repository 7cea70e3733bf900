// cimbus-oms: the OMS adapter, with the embedded reference OMS (ReferenceOms) or, by its
// configuration's connector, a real one (README, "Connecting a real system"). The handlers are in
// oms_handlers.hpp.
//
//   cimbus-oms deploy/oms.json

#include <memory>

#include "reference_oms.hpp"
#include "role.hpp"
#include "oms_handlers.hpp"

int main(int argc, char** argv) {
  using namespace cimbus;
  return reference::run_role(
      argc, argv, "cimbus-oms",
      [](adapter::Adapter& a, const adapter::AdapterOptions& o) {
        oms::install_handlers(a, std::make_shared<oms::ReferenceOms>(reference::embedded_settings(o)));
      },
      [](http::HttpListener& l, const adapter::AdapterOptions& o) { reference::serve_state(l, o.config.store(), oms::ReferenceOms::state_tables()); });
}
