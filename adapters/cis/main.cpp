// cimbus-cis: the CIS adapter, with the embedded reference CIS (ReferenceCis) or, by its
// configuration's connector, a real one (README, "Connecting a real system"). The handlers are in
// cis_handlers.hpp.
//
//   cimbus-cis deploy/cis.json

#include <memory>

#include "intake_route.hpp"
#include "reference_cis.hpp"
#include "role.hpp"
#include "cis_handlers.hpp"

int main(int argc, char** argv) {
  using namespace cimbus;
  return reference::run_role(
      argc, argv, "cimbus-cis",
      [](adapter::Adapter& a, const adapter::AdapterOptions& o) {
        cis::install_handlers(a, std::make_shared<cis::ReferenceCis>(reference::embedded_settings(o)));
      },
      [](http::HttpListener& l, const adapter::AdapterOptions& o) {
        reference::serve_state(l, o.config.store(), cis::ReferenceCis::state_tables());
        cis::serve_intake(l, o.config.store());
      });
}
