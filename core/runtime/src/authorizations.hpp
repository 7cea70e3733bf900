#pragma once
// Who may send what (config authorizations; IEC 61968-100 Header/User/Organization, the 7.x
// security codes): with no rule every message is allowed; with rules, a request or event is allowed
// when a rule names its Organization (or "*") and allows its noun and verb. For an OperationSet
// (execute), every operation's noun and verb must be allowed too.
//
// Threading: immutable after construction.

#include <optional>
#include <vector>

#include "cimbus/adapter_config.pb.h"
#include "cimbus/codec/diagnostic.hpp"
#include "cimbus/envelope.pb.h"

namespace cimbus::adapter::detail {

class Authorizations {
 public:
  explicit Authorizations(std::vector<config::Authorization> rules);

  // Why `message` may not be executed (7.2 without an Organization, 7.5 when no rule allows it);
  // nullopt when it may.
  std::optional<Diagnostic> refusal(const Envelope& message) const;

 private:
  bool allows(const std::string& organization, const std::string& noun, const std::string& verb) const;

  std::vector<config::Authorization> rules_;
};

}  // namespace cimbus::adapter::detail
