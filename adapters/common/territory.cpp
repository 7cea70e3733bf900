#include "territory.hpp"

#include <algorithm>
#include <charconv>
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

std::uint32_t index_mask(std::uint64_t seed, const std::string& kind) {
  std::uint64_t state = seed ^ fnv1a(kind) ^ 0x243F6A8885A308D3ull;
  return static_cast<std::uint32_t>(splitmix(state));
}

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
  const std::uint32_t carried = static_cast<std::uint32_t>(index) ^ index_mask(seed, kind);
  for (int i = 0; i < 4; ++i) b[12 + i] = static_cast<unsigned char>(carried >> (24 - 8 * i));
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
                b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return text;
}

std::optional<int> stable_index(std::uint64_t seed, const std::string& kind, const std::string& uuid) {
  if (uuid.size() != 36) return std::nullopt;
  std::uint32_t carried = 0;
  const char* const last8 = uuid.data() + 28;
  if (auto [end, error] = std::from_chars(last8, last8 + 8, carried, 16); error != std::errc() || end != last8 + 8) return std::nullopt;
  const std::uint32_t index = carried ^ index_mask(seed, kind);
  if (index >= static_cast<std::uint32_t>(TerritoryOptions::kMostCustomers)) return std::nullopt;
  if (stable_uuid(seed, kind, static_cast<int>(index)) != uuid) return std::nullopt;  // not one of ours
  return static_cast<int>(index);
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
  const long long customers = setting(settings, "customers", o.customers);
  if (customers > TerritoryOptions::kMostCustomers)  // before it narrows to int; check() has the rest
    throw std::invalid_argument("connector.settings.customers: at most " + std::to_string(TerritoryOptions::kMostCustomers) + ", not " +
                                std::to_string(customers));
  o.customers = static_cast<int>(customers);
  o.customers_per_transformer = static_cast<int>(setting(settings, "customers_per_transformer", o.customers_per_transformer));
  o.transformers_per_feeder = static_cast<int>(setting(settings, "transformers_per_feeder", o.transformers_per_feeder));
  o.check("connector.settings");
  return o;
}

void TerritoryOptions::check(const std::string& where) const {
  if (customers <= 0 || customers_per_transformer <= 0 || transformers_per_feeder <= 0)
    throw std::invalid_argument(where + ": customers, customers_per_transformer and transformers_per_feeder must be positive");
  if (customers > kMostCustomers)
    throw std::invalid_argument(where + ".customers: at most " + std::to_string(kMostCustomers) + ", not " + std::to_string(customers));
}

Territory::Territory(TerritoryOptions options) : options_(options) {
  options_.check("territory");
  transformers_ = (options_.customers + options_.customers_per_transformer - 1) / options_.customers_per_transformer;
  feeders_ = (transformers_ + options_.transformers_per_feeder - 1) / options_.transformers_per_feeder;
}

Site Territory::site(int i) const {
  if (i < 0 || i >= options_.customers)
    throw std::out_of_range("territory: no customer " + std::to_string(i) + " of " + std::to_string(options_.customers));
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
  return s;
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

std::vector<Site> Territory::sites_of_transformer(int t) const {
  std::vector<Site> out;
  const int first = t * options_.customers_per_transformer;
  for (int i = std::max(0, first); i < first + options_.customers_per_transformer && i < options_.customers; ++i) out.push_back(site(i));
  return out;
}

std::optional<Site> Territory::by(const char* kind, const std::string& mrid) const {
  const std::optional<int> index = stable_index(options_.seed, kind, mrid);
  if (!index || *index >= options_.customers) return std::nullopt;
  return site(*index);
}

std::optional<Site> Territory::by_customer(const std::string& mrid) const { return by("customer", mrid); }
std::optional<Site> Territory::by_agreement(const std::string& mrid) const { return by("agreement", mrid); }
std::optional<Site> Territory::by_service_location(const std::string& mrid) const { return by("service-location", mrid); }

}  // namespace cimbus::reference
