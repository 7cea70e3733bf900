#pragma once
// The embedded reference WMS: a pool of crews; work waits to be scheduled, is scheduled, gets a
// crew (crew work for outages first, then by age), and goes dispatched, enroute, onSite,
// completed (the crew is free again) and closed, one step every step_ms or so.
//
// Settings (connector.settings): crews (12), step_ms (400), seed (for the step jitter).

#include <map>
#include <random>
#include <string>

#include "wms_backend.hpp"

namespace cimbus::wms {

class ReferenceWms : public WmsBackend {
 public:
  explicit ReferenceWms(const std::map<std::string, std::string>& settings);

  void prepare(store::Transaction& tx) override;
  NounItem accept(store::Transaction& tx, const NounItem& work) override;
  NounItem change(store::Transaction& tx, const NounItem& work) override;
  NounItem cancel(store::Transaction& tx, const std::string& noun, const std::string& mrid) override;
  std::vector<Update> advance(store::Transaction& tx) override;

 private:
  long long next_step_ms();

  int crews_;
  long long step_ms_;
  std::mt19937_64 random_;
};

}  // namespace cimbus::wms
