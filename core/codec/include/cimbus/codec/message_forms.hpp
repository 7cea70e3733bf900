#pragma once
// The other two forms of a message, both from protobuf: its JSON mapping (names as in the XML,
// enumerations by their XML literal when it is a valid identifier) and its binary encoding.

#include <optional>
#include <string>
#include <string_view>

#include "cimbus/envelope.pb.h"

namespace cimbus {

std::string to_json(const Envelope& envelope, bool pretty = true);
// Returns nullopt and sets `error` when the text is not JSON of an Envelope.
std::optional<Envelope> from_json(std::string_view json, std::string* error = nullptr);

std::string to_binary(const Envelope& envelope);
std::optional<Envelope> from_binary(std::string_view bytes);

}  // namespace cimbus
