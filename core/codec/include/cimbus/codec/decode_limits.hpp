#pragma once
// Bounds on what one inbound message may cost. Always enforced, whatever the validation policy:
// hostile input gets a clear error in bounded time and memory.

#include <cstddef>

namespace cimbus {

struct DecodeLimits {
  std::size_t max_message_bytes = 16u << 20;       // larger input is refused before parsing
  std::size_t max_depth = 100;                     // element nesting, SOAP envelope included
  std::size_t max_elements = 1'000'000;            // elements in one document
  unsigned max_entity_expansions = 100;            // Xerces SecurityManager (DOCTYPE is refused anyway)
  std::size_t max_decompressed_bytes = 16u << 20;  // Payload/Compressed after gunzip
  std::size_t max_diagnostics = 50;                // parsing stops after this many findings
};

}  // namespace cimbus
