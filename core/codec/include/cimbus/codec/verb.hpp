#pragma once
// The 14 verbs of IEC 61968-100 Ed.1 and their roles (IEC 61968-100, its list of verbs).

#include <optional>
#include <string>
#include <string_view>

#include "cimbus/envelope.pb.h"

namespace cimbus {

using Verb = msg::HeaderType_Verb::Value;

// The XML literal of a verb ("cancel", ..., "executed").
const std::string& to_literal(Verb verb);
// Exact, case-sensitive match of a literal.
std::optional<Verb> parse_verb(std::string_view literal);

// The verbs Ed.1 deprecates (FDIS 6.2.2, 6.3.2), which its schema's enumeration no longer holds.
struct DeprecatedVerb {
  std::string_view literal;
  std::optional<Verb> synonym;  // update -> change, updated -> changed, show -> reply; none for
                                // subscribe, unsubscribe and publish
};
// The deprecated verb `literal` is (exact match), if it is one.
std::optional<DeprecatedVerb> deprecated_verb(std::string_view literal);

// create, change, cancel, close, delete, execute: the receiver changes data it owns.
bool is_transaction_verb(Verb verb);
// created, changed, canceled, closed, deleted, executed: something happened.
bool is_event_verb(Verb verb);
// The event verb that reports the outcome of a transaction verb (create -> created).
std::optional<Verb> past_tense(Verb verb);

// The generic archetype that carries a verb: transaction verbs and get -> RequestMessage,
// reply -> ResponseMessage, event verbs -> EventMessage.
Envelope::Archetype archetype_for(Verb verb);

}  // namespace cimbus
