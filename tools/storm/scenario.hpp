#pragma once
// The storm's schedule, planned up front from the territory and the options (a pure function of
// the seed): which transformers fail and when, who calls and who calls back, the service needs
// that come in meanwhile, and what a customer portal asks of the CIS's agreements, with the answer
// each request must get (the portal's bad requests are there on purpose).

#include <cstdint>
#include <string>
#include <vector>

#include "cimbus/codec/verb.hpp"
#include "storm_options.hpp"
#include "territory.hpp"

namespace cimbus::storm {

struct Call {
  std::int64_t at_ms = 0;           // from the start of the storm
  std::string customer;
  std::int64_t cancel_after_ms = 0; // a call-back: the customer's power is back (0: none)
  bool stranger = false;            // no customer of the territory: refused with 2.22
};

struct ServiceNeed {
  std::int64_t at_ms = 0;
  std::string noun;                 // ServiceOrders, ServiceRequests, WorkRequests
  std::string customer;
  std::string kind;                 // a WorkKind
  std::int64_t cancel_after_ms = 0; // withdrawn by the customer (0: not)
};

struct AgreementRequest {
  std::int64_t at_ms = 0;
  Verb verb = msg::HeaderType_Verb::get;
  std::vector<std::string> agreements;  // one, or two for an OperationSet (verb execute)
  std::vector<std::string> holders;     // the customer a change names, for each agreement
  std::string expected;                 // "OK", or the error code it must be refused with
  std::string what;                     // for the report: "get", "change", "unknown agreement", ...
  bool terminate_first = false;         // the portal cancels the agreement first, then sends this
};

struct Scenario {
  std::vector<Call> calls;
  std::vector<ServiceNeed> needs;
  std::vector<AgreementRequest> agreement_requests;
  std::vector<int> failed_transformers;
  std::int64_t span_ms = 0;  // the last scheduled moment

  static Scenario plan(const reference::Territory& territory, const StormOptions& options);
};

}  // namespace cimbus::storm
