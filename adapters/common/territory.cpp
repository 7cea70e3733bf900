#include "territory.hpp"

#include <cstdio>
#include <stdexcept>

namespace cimbus::reference {

namespace {

std::uint64_t splitmix(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  return h;
}

const char* const kStreets[] = {"Elm Street", "Oak Avenue", "Maple Road", "Cedar Lane", "Pine Street", "Birch Way",
                                "Willow Drive", "Aspen Court", "Harbor Road", "Mill Street", "Station Road", "River Lane"};

}  // namespace

std::string stable_uuid(std::uint64_t seed, const std::string& kind, int index) {
  std::uint64_t state = seed ^ fnv1a(kind) ^ (static_cast<std::uint64_t>(index) * 0x100000001B3ull);
  unsigned char b[16];
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = splitmix(state);
    for (int i = 0; i < 8; ++i) b[half * 8 + i] = static_cast<unsigned char>(v >> (8 * i));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
                b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return text;
}

long long setting(const std::map<std::string, std::string>& settings, const std::string& name, long long fallback) {
  auto it = settings.find(name);
  if (it == settings.end() || it->second.empty()) return fallback;
  try {
    std::size_t used = 0;
    long long value = std::stoll(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument(name);
    return value;
  } catch (const std::exception&) {
    throw std::invalid_argument("connector.settings." + name + ": '" + it->second + "' is not a whole number");
  }
}

TerritoryOptions TerritoryOptions::from_settings(const std::map<std::string, std::string>& settings) {
  TerritoryOptions o;
  o.seed = static_cast<std::uint64_t>(setting(settings, "seed", static_cast<long long>(o.seed)));
  o.customers = static_cast<int>(setting(settings, "customers", o.customers));
  o.customers_per_transformer = static_cast<int>(setting(settings, "customers_per_transformer", o.customers_per_transformer));
  o.transformers_per_feeder = static_cast<int>(setting(settings, "transformers_per_feeder", o.transformers_per_feeder));
  if (o.customers <= 0 || o.customers_per_transformer <= 0 || o.transformers_per_feeder <= 0)
    throw std::invalid_argument("connector.settings: customers, customers_per_transformer and transformers_per_feeder must be positive");
  return o;
}

Territory::Territory(TerritoryOptions options) : options_(options) {
  const int n = options_.customers;
  sites_.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Site s;
    s.index = i;
    s.customer = stable_uuid(options_.seed, "customer", i);
    s.agreement = stable_uuid(options_.seed, "agreement", i);
    s.account = stable_uuid(options_.seed, "account", i);
    s.service_location = stable_uuid(options_.seed, "service-location", i);
    s.usage_point = stable_uuid(options_.seed, "usage-point", i);
    char name[32];
    std::snprintf(name, sizeof name, "Customer %05d", i + 1);
    s.name = name;
    s.street = std::to_string(1 + i % 97) + " " + kStreets[(i / 97) % (sizeof kStreets / sizeof kStreets[0])];
    s.transformer = i / options_.customers_per_transformer;
    s.feeder = s.transformer / options_.transformers_per_feeder;
    s.life_support = is_life_support(i);
    by_customer_[s.customer] = i;
    by_agreement_[s.agreement] = i;
    by_location_[s.service_location] = i;
    sites_.push_back(std::move(s));
  }
  transformers_ = (n + options_.customers_per_transformer - 1) / options_.customers_per_transformer;
  feeders_ = (transformers_ + options_.transformers_per_feeder - 1) / options_.transformers_per_feeder;
}

std::string Territory::transformer_name(int t) const {
  char name[32];
  std::snprintf(name, sizeof name, "TX-%04d", t + 1);
  return name;
}

std::string Territory::feeder_name(int f) const {
  char name[32];
  std::snprintf(name, sizeof name, "FDR-%02d", f + 1);
  return name;
}

std::vector<const Site*> Territory::sites_of_transformer(int t) const {
  std::vector<const Site*> out;
  const int first = t * options_.customers_per_transformer;
  for (int i = first; i < first + options_.customers_per_transformer && i < static_cast<int>(sites_.size()); ++i)
    out.push_back(&sites_[static_cast<std::size_t>(i)]);
  return out;
}

const Site* Territory::by_customer(const std::string& mrid) const {
  auto it = by_customer_.find(mrid);
  return it == by_customer_.end() ? nullptr : &sites_[static_cast<std::size_t>(it->second)];
}

const Site* Territory::by_agreement(const std::string& mrid) const {
  auto it = by_agreement_.find(mrid);
  return it == by_agreement_.end() ? nullptr : &sites_[static_cast<std::size_t>(it->second)];
}

const Site* Territory::by_service_location(const std::string& mrid) const {
  auto it = by_location_.find(mrid);
  return it == by_location_.end() ? nullptr : &sites_[static_cast<std::size_t>(it->second)];
}

}  // namespace cimbus::reference
