#pragma once
// Which noun an OperationSet is routed and served by. IEC 61968-100 FDIS 6.10 gives a message
// carrying an OperationSet the verb execute and the noun "OperationSet"; the typed form names its
// noun ("ServiceOrdersOperationSet", tv06). The noun OperationSet names no system, so such a set
// goes by the nouns of its operations: to the system of the first one, which refuses the set (2.5)
// when other operations' nouns are not its own (a set is one system's transaction).

#include <string>
#include <string_view>
#include <vector>

#include "cimbus/envelope.pb.h"

namespace cimbus {

inline constexpr std::string_view kOperationSetNoun = "OperationSet";

// The nouns of the operations of `message`'s OperationSet, each once, in document order
// (operations without a noun name none).
std::vector<std::string> operation_nouns(const Envelope& message);

// The noun `message` is routed by: its Header's, except for the noun OperationSet: its first
// operation's (still "OperationSet" when no operation names one).
std::string routed_noun(const Envelope& message);

}  // namespace cimbus
