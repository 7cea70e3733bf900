#include "cimbus/codec/operation_set_routing.hpp"

#include <algorithm>

namespace cimbus {

std::vector<std::string> operation_nouns(const Envelope& message) {
  std::vector<std::string> nouns;
  const msg::MessageType& m = message.message();
  if (!m.has_payload() || !m.payload().has_operation_set()) return nouns;
  for (const auto& operation : m.payload().operation_set().operation())
    if (!operation.noun().empty() && std::find(nouns.begin(), nouns.end(), operation.noun()) == nouns.end()) nouns.push_back(operation.noun());
  return nouns;
}

std::string routed_noun(const Envelope& message) {
  const std::string& noun = message.message().header().noun();
  if (noun != kOperationSetNoun) return noun;
  const std::vector<std::string> nouns = operation_nouns(message);
  return nouns.empty() ? noun : nouns.front();
}

}  // namespace cimbus
