#pragma once
// The synthetic service territory the reference systems and the storm share: customers, each with
// an agreement, an account, a service location and a usage point, fed by a distribution
// transformer on a feeder. It is a pure function of (seed, sizes), so that every process given
// the same backend settings sees the same territory without exchanging it.
//
// Nothing is kept per customer: a site is computed from its index when asked for, and an mRID
// carries its index (stable_uuid), so that finding the site of an mRID is a recomputation, not a
// lookup in a table. A territory of 5 million customers costs no memory and no start-up time.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
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

  // The most customers a territory can have (the index must fit the mRID's 31 bits; far more than
  // any utility has).
  static constexpr int kMostCustomers = 50'000'000;

  // From a backend's settings: seed, customers, customers_per_transformer, transformers_per_feeder.
  // Throws std::invalid_argument naming the setting (connector.settings.customers ...).
  static TerritoryOptions from_settings(const std::map<std::string, std::string>& settings);
  // Throws std::invalid_argument, its text starting with `where`, for sizes that are not positive
  // or above kMostCustomers.
  void check(const std::string& where) const;
};

class Territory {
 public:
  // Throws std::invalid_argument for sizes that are not positive or above kMostCustomers.
  explicit Territory(TerritoryOptions options = {});

  const TerritoryOptions& options() const { return options_; }
  int customers() const { return options_.customers; }
  int transformers() const { return transformers_; }
  int feeders() const { return feeders_; }
  std::string transformer_name(int t) const;
  std::string feeder_name(int f) const;

  // The site of customer `index` (0 ≤ index < customers()); throws std::out_of_range otherwise.
  Site site(int index) const;
  // Sites fed by transformer `t`.
  std::vector<Site> sites_of_transformer(int t) const;
  // The rule behind Site::life_support, for a territory built elsewhere (tools, tests).
  static bool is_life_support(int index) { return index % 37 == 5; }

  // The site an mRID of this territory names, or nothing for any other mRID.
  std::optional<Site> by_customer(const std::string& mrid) const;
  std::optional<Site> by_agreement(const std::string& mrid) const;
  std::optional<Site> by_service_location(const std::string& mrid) const;

 private:
  std::optional<Site> by(const char* kind, const std::string& mrid) const;

  TerritoryOptions options_;
  int transformers_ = 0;
  int feeders_ = 0;
};

// A UUID (version 4 form) that is the same for the same (seed, kind, index) in every process. Its
// last four bytes are the index masked by (seed, kind), so that stable_index can read it back.
std::string stable_uuid(std::uint64_t seed, const std::string& kind, int index);
// The index whose stable_uuid(seed, kind, index) is `uuid`, or nothing when no index gives it.
std::optional<int> stable_index(std::uint64_t seed, const std::string& kind, const std::string& uuid);

// Reads an integer setting, or `fallback` when absent; throws std::invalid_argument naming it.
long long setting(const std::map<std::string, std::string>& settings, const std::string& name, long long fallback);

}  // namespace cimbus::reference
