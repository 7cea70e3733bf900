// cimbus-wms: the WMS adapter, with the embedded reference WMS (ReferenceWms) or, by its
// configuration's connector, a real one (README, "Connecting a real system"). The handlers are in
// wms_handlers.hpp.
//
//   cimbus-wms deploy/wms.json

#include <memory>

#include "reference_wms.hpp"
#include "role.hpp"
#include "state_route.hpp"
#include "wms_handlers.hpp"

int main(int argc, char** argv) {
  using namespace cimbus;
  return reference::run_role(
      argc, argv, "cimbus-wms",
      [](adapter::Adapter& a, const adapter::AdapterOptions& o) {
        wms::install_handlers(a, std::make_shared<wms::ReferenceWms>(reference::embedded_settings(o)));
      },
      [](http::HttpListener& l, const adapter::AdapterOptions& o) { reference::serve_state(l, o.config.store(), reference::record_tables()); });
}
