#pragma once
// The names of the IEC 61968-100 Ed.1 (final) common message schema (Message.xsd): its namespace,
// which also holds the Header, Request and Reply fields inside typed wrappers, and its five global
// elements, one per archetype.

#include <optional>
#include <string_view>

#include "cimbus/envelope.pb.h"

namespace cimbus {

inline constexpr std::string_view kMessageNamespace = "http://iec.ch/TC57/2011/schema/message";

// Message, RequestMessage, ResponseMessage, EventMessage or FaultMessage.
inline std::string_view element_of(Envelope::Archetype archetype) {
  switch (archetype) {
    case Envelope::REQUEST_MESSAGE: return "RequestMessage";
    case Envelope::RESPONSE_MESSAGE: return "ResponseMessage";
    case Envelope::EVENT_MESSAGE: return "EventMessage";
    case Envelope::FAULT_MESSAGE: return "FaultMessage";
    case Envelope::MESSAGE: break;
  }
  return "Message";
}

// The archetype whose global element is `name`; nullopt for any other name.
inline std::optional<Envelope::Archetype> archetype_of_element(std::string_view name) {
  for (auto archetype : {Envelope::MESSAGE, Envelope::REQUEST_MESSAGE, Envelope::RESPONSE_MESSAGE, Envelope::EVENT_MESSAGE,
                         Envelope::FAULT_MESSAGE})
    if (element_of(archetype) == name) return archetype;
  return std::nullopt;
}

}  // namespace cimbus
