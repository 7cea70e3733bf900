#include "scenario.hpp"

#include <algorithm>
#include <random>

#include "cimbus/codec/error_code.hpp"

namespace cimbus::storm {

namespace {

using V = msg::HeaderType_Verb;

}  // namespace

Scenario Scenario::plan(const reference::Territory& territory, const StormOptions& o) {
  Scenario s;
  std::mt19937_64 random(o.seed);
  auto uniform = [&](std::int64_t low, std::int64_t high) { return std::uniform_int_distribution<std::int64_t>(low, high)(random); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(random) < p; };
  const std::int64_t duration = std::int64_t{o.duration_s} * 1000;

  // Faults: distinct transformers; their customers call over the next few seconds.
  std::vector<int> transformers(static_cast<std::size_t>(territory.transformers()));
  for (std::size_t i = 0; i < transformers.size(); ++i) transformers[i] = static_cast<int>(i);
  std::shuffle(transformers.begin(), transformers.end(), random);
  transformers.resize(std::min<std::size_t>(transformers.size(), static_cast<std::size_t>(std::max(0, o.faults))));
  for (int t : transformers) {
    s.failed_transformers.push_back(t);
    const std::int64_t onset = uniform(0, duration * 3 / 4);
    bool someone_called = false;
    for (const reference::Site& site : territory.sites_of_transformer(t)) {
      if (someone_called && !chance(o.call_share)) continue;
      someone_called = true;
      Call c;
      c.at_ms = onset + uniform(0, 4000);
      c.customer = site.customer;
      if (chance(o.callback_share)) c.cancel_after_ms = uniform(1500, 4000);
      s.calls.push_back(c);
    }
  }
  for (int i = 0; i < o.strangers; ++i) {
    Call c;
    c.at_ms = uniform(0, duration);
    c.customer = reference::stable_uuid(o.seed, "stranger", i);
    c.stranger = true;
    s.calls.push_back(c);
  }

  // Service needs, from customers anywhere in the territory.
  const int sites = territory.customers();
  const char* kinds[] = {"connect", "disconnect", "reconnect", "inspection"};
  for (int i = 0; i < o.service_needs; ++i) {
    ServiceNeed n;
    n.at_ms = uniform(0, duration);
    const int pick = static_cast<int>(uniform(0, 3));
    n.noun = pick < 2 ? "ServiceOrders" : pick == 2 ? "ServiceRequests" : "WorkRequests";
    n.customer = territory.site(static_cast<int>(uniform(0, sites - 1))).customer;
    n.kind = kinds[uniform(0, 3)];
    if (chance(o.withdraw_share)) n.cancel_after_ms = uniform(800, 3000);
    s.needs.push_back(n);
  }

  // The portal: reads and changes of agreements, and in every ten requests three it must see
  // refused: an unknown agreement (2.24), a customer who does not hold it (2.22), and a change of
  // an agreement it terminated just before (6.1). It terminates agreements of the last quarter of
  // the sites, which no other request of the storm touches.
  auto agreement = [&] { return territory.site(static_cast<int>(uniform(0, sites / 2))); };
  int terminated = 0;
  for (int i = 0; i < o.agreement_requests; ++i) {
    AgreementRequest r;
    r.at_ms = uniform(0, duration);
    const reference::Site site = agreement();
    r.agreements = {site.agreement};
    r.holders = {site.customer};
    switch (i % 10) {
      case 0: case 1: case 2: case 3:
        r.verb = V::get, r.expected = "OK", r.what = "get";
        break;
      case 4: case 5:
        r.verb = V::change, r.expected = "OK", r.what = "change";
        break;
      case 6: {
        const reference::Site other = agreement();
        r.verb = V::execute, r.expected = "OK", r.what = "execute (2 changes)";
        if (other.agreement != site.agreement) {
          r.agreements.push_back(other.agreement);
          r.holders.push_back(other.customer);
        }
        break;
      }
      case 7:
        r.verb = V::change, r.expected = std::string(code::kInvalidCustomerAgreements), r.what = "change, unknown agreement";
        r.agreements = {reference::stable_uuid(o.seed, "no-agreement", i)};
        break;
      case 8:
        r.verb = V::change, r.expected = std::string(code::kInvalidCustomers), r.what = "change, not the holder";
        r.holders = {reference::stable_uuid(o.seed, "stranger", 1000 + i)};
        break;
      case 9: {
        const reference::Site last_quarter = territory.site(sites - 1 - terminated++ % std::max(1, sites / 4));
        r.verb = V::change, r.expected = std::string(code::kCanceledPerBusinessRule), r.what = "change, terminated agreement";
        r.agreements = {last_quarter.agreement};
        r.holders = {last_quarter.customer};
        r.terminate_first = true;
        break;
      }
    }
    s.agreement_requests.push_back(r);
  }

  for (const Call& c : s.calls) s.span_ms = std::max(s.span_ms, c.at_ms + c.cancel_after_ms);
  for (const ServiceNeed& n : s.needs) s.span_ms = std::max(s.span_ms, n.at_ms + n.cancel_after_ms);
  for (const AgreementRequest& r : s.agreement_requests) s.span_ms = std::max(s.span_ms, r.at_ms);
  auto by_time = [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; };
  std::stable_sort(s.calls.begin(), s.calls.end(), by_time);
  std::stable_sort(s.needs.begin(), s.needs.end(), by_time);
  std::stable_sort(s.agreement_requests.begin(), s.agreement_requests.end(), by_time);
  return s;
}

}  // namespace cimbus::storm
