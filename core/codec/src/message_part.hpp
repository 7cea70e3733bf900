#pragma once
// Which part of an IEC 61968-100 message an element is, as both decoders (decode_handler.hpp,
// envelope_builder.hpp) track it: one reading of the message's structure.

#include <string>

namespace cimbus::detail {

enum class MessagePart { none, soap_envelope, soap_header, soap_body, root, header, request, reply, payload, verb, noun, object };

// The part a child of `parent` is, by the name of the field it fills.
inline MessagePart part_of_child(MessagePart parent, const std::string& field_name) {
  if (parent == MessagePart::root) {
    return field_name == "Header" ? MessagePart::header : field_name == "Request" ? MessagePart::request
         : field_name == "Reply" ? MessagePart::reply : field_name == "Payload" ? MessagePart::payload : MessagePart::none;
  }
  if (parent == MessagePart::header) {
    if (field_name == "Verb") return MessagePart::verb;
    if (field_name == "Noun") return MessagePart::noun;
  }
  return MessagePart::none;
}

}  // namespace cimbus::detail
