#include "authorizations.hpp"

#include <algorithm>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/verb.hpp"

namespace cimbus::adapter::detail {

namespace {

// A rule's list allows `value` when it is empty, holds "*", or holds `value`.
bool listed(const google::protobuf::RepeatedPtrField<std::string>& list, const std::string& value) {
  return list.empty() || std::any_of(list.begin(), list.end(), [&](const std::string& x) { return x == "*" || x == value; });
}

}  // namespace

Authorizations::Authorizations(std::vector<config::Authorization> rules) : rules_(std::move(rules)) {}

bool Authorizations::allows(const std::string& organization, const std::string& noun, const std::string& verb) const {
  return std::any_of(rules_.begin(), rules_.end(), [&](const config::Authorization& rule) {
    return (rule.organization() == "*" || rule.organization() == organization) && listed(rule.nouns(), noun) && listed(rule.verbs(), verb);
  });
}

std::optional<Diagnostic> Authorizations::refusal(const Envelope& message) const {
  if (rules_.empty()) return std::nullopt;
  const msg::HeaderType& h = message.message().header();
  const std::string& organization = h.user().organization();
  if (organization.empty())
    return diagnostic_at(code::kAuthenticationRequired, "Header/User/Organization is required here: this adapter takes messages by organisation",
                         "/Header/User/Organization");
  const std::string verb = to_literal(h.verb());
  if (!allows(organization, h.noun(), verb))
    return diagnostic_at(code::kActionNotAuthorized, "organisation " + organization + " may not send " + verb + " " + h.noun() + " here", "/Header/Verb");
  if (h.verb() == msg::HeaderType_Verb::execute && message.message().has_payload())
    for (const auto& operation : message.message().payload().operation_set().operation())
      if (!allows(organization, operation.noun(), operation.verb()))
        return diagnostic_at(code::kActionNotAuthorized,
                             "organisation " + organization + " may not send " + operation.verb() + " " + operation.noun() +
                                 " here (operationId " + std::to_string(operation.operation_id()) + ")",
                             "/Payload/OperationSet/Operation/verb");
  return std::nullopt;
}

}  // namespace cimbus::adapter::detail
