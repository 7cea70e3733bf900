#pragma once
// Sets a scalar field of a generated message from the XML text of its element or attribute:
// one conversion for both decoders, the Xerces-C SAX handler (decode_handler.hpp) and the
// envelope builder on the validator's walk (envelope_builder.hpp).

#include <string>

#include <google/protobuf/message.h>

#include "type_map.hpp"

namespace cimbus::detail {

// Converts `text` by the field's type and sets (or, repeated, adds) it. Returns nullptr when
// done, else what the text is not ("boolean", "integer in range", "enumeration literal", ...),
// and the field is left as it was. Enumerations take their exact literal. QName values are the
// caller's to resolve first (they need the prefixes in scope): given here, they are kept as text.
const char* assign_scalar(google::protobuf::Message* message, const FieldMap& field, const std::string& text);

}  // namespace cimbus::detail
