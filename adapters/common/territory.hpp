#pragma once
// The synthetic service territory the reference systems and the storm share: customers, each with
// an agreement, an account, a service location and a usage point, fed by a distribution
// transformer on a feeder. It is a pure function of (seed, sizes), so that every process given
// the same backend settings sees the same territory without exchanging it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace cimbus::reference {

struct Site {
  int index = 0;
  std::string customer;          // mRIDs
  std::string agreement;
  std::string account;
  std::string service_location;
  std::string usage_point;
  std::string name;              // "Customer 0042"
  std::string street;            // "42 Elm Street"
  int transformer = 0;
  int feeder = 0;
  bool life_support = false;     // a critical customer (life-support equipment at home): every
                                 // 37th, from the 6th; counted in outage summaries, told first
};

struct TerritoryOptions {
  std::uint64_t seed = 61968;
  int customers = 2000;
  int customers_per_transformer = 8;
  int transformers_per_feeder = 25;

  // From a backend's settings: seed, customers, customers_per_transformer, transformers_per_feeder.
  static TerritoryOptions from_settings(const std::map<std::string, std::string>& settings);
};

class Territory {
 public:
  explicit Territory(TerritoryOptions options = {});

  const TerritoryOptions& options() const { return options_; }
  const std::vector<Site>& sites() const { return sites_; }
  int transformers() const { return transformers_; }
  int feeders() const { return feeders_; }
  std::string transformer_name(int t) const;
  std::string feeder_name(int f) const;
  // Sites fed by transformer `t`.
  std::vector<const Site*> sites_of_transformer(int t) const;
  // The rule behind Site::life_support, for a territory built elsewhere (tools, tests).
  static bool is_life_support(int index) { return index % 37 == 5; }

  const Site* by_customer(const std::string& mrid) const;
  const Site* by_agreement(const std::string& mrid) const;
  const Site* by_service_location(const std::string& mrid) const;

 private:
  TerritoryOptions options_;
  std::vector<Site> sites_;
  int transformers_ = 0;
  int feeders_ = 0;
  std::unordered_map<std::string, int> by_customer_, by_agreement_, by_location_;
};

// A UUID (version 4 form) that is the same for the same (seed, kind, index) in every process.
std::string stable_uuid(std::uint64_t seed, const std::string& kind, int index);

// Reads an integer setting, or `fallback` when absent; throws std::invalid_argument naming it.
long long setting(const std::map<std::string, std::string>& settings, const std::string& name, long long fallback);

}  // namespace cimbus::reference
