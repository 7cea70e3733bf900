#pragma once
// Prints a ProtoFile as .proto source.

#include <string>

#include "proto_model.hpp"

namespace xsd2proto {

std::string render(const ProtoFile& file);

}  // namespace xsd2proto
