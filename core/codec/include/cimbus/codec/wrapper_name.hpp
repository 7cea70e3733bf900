#pragma once
// The strongly typed per-noun wrapper elements (IEC 61968-100 Annex C, the strongly typed WSDLs), recognised by their
// name pattern whether or not the noun's schema is loaded:
//
//   plain:          Create|Change|Cancel|Close|Delete|Execute<N>, Created|...|Executed<N>,
//                   <N>ResponseMessage, <N>FaultMessage            in namespace .../<N>Message
//   get:            Get<N>RequestMessage, Get<N>ResponseMessage, Get<N>FaultMessage
//                                                                  in namespace .../Get<N>Message
//   operation set:  Execute<N>OperationSet, Executed<N>OperationSet,
//                   <N>OperationSetResponseMessage, <N>OperationSetFaultMessage
//                                                                  in namespace .../<N>OperationSetMessage

#include <optional>
#include <string>
#include <string_view>

#include "cimbus/envelope.pb.h"
#include "cimbus/codec/verb.hpp"

namespace cimbus {

struct WrapperName {
  enum class Form { plain, get, operation_set };

  Envelope::Archetype archetype = Envelope::MESSAGE;
  Form form = Form::plain;
  std::string noun;             // e.g. ServiceOrders
  std::optional<Verb> verb;     // the verb the name implies; none for faults

  // Recognises a wrapper element name; nullopt when the name follows no pattern.
  static std::optional<WrapperName> parse(std::string_view local_name);
  // The wrapper element for an archetype, verb and form (the inverse of parse). A fault or a
  // response takes no verb.
  static std::string element_name(Envelope::Archetype archetype, Form form, std::string_view noun,
                                  std::optional<Verb> verb);

  // True when `ns` is a namespace that this wrapper's pattern allows (…/<N>Message etc.).
  bool namespace_fits(std::string_view ns) const;
};

// A noun as the wrappers spell it: an upper-case letter, then letters, digits or '_'.
bool is_noun_name(std::string_view text);

// The noun of an execute request's operations: "ServiceOrdersOperationSet" (a Header naming the
// set, as tv06 and EPRI's clients do) and "ServiceOrders" both give "ServiceOrders".
std::string operation_set_noun(std::string_view header_noun);

}  // namespace cimbus
