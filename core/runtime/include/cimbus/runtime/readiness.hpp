#pragma once
// Whether an adapter can do its work now (Adapter::readiness(), GET /health/ready): each check,
// and why it fails.
//
//   broker  connected, and every queue's receiver attached
//   store   takes writes (a failing store pauses the adapter: decisions/0018)
//   outbox  its backlog under endpoint.ready_outbox_rows rows and endpoint.ready_outbox_age_s old

#include <string>
#include <vector>

namespace cimbus::adapter {

struct ReadinessCheck {
  std::string name;
  bool ok = false;
  std::string detail;  // what was found: why it fails, or the figure that passed
};

struct Readiness {
  std::vector<ReadinessCheck> checks;
  bool ready() const {
    for (const ReadinessCheck& c : checks)
      if (!c.ok) return false;
    return true;
  }
};

}  // namespace cimbus::adapter
