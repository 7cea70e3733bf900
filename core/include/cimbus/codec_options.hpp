#pragma once
// Options of an XmlCodec.

#include "cimbus/decode_limits.hpp"
#include "cimbus/validation_policy.hpp"

namespace cimbus {

struct CodecOptions {
  ValidationPolicy policy = ValidationPolicy::strict;
  DecodeLimits limits;
};

struct EncodeOptions {
  bool xml_declaration = true;  // <?xml version="1.0" encoding="UTF-8"?>
  bool indent = false;          // two-space indentation, for people; the wire gets compact XML
};

}  // namespace cimbus
