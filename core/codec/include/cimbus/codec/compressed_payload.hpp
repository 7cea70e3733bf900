#pragma once
// Payload/Compressed (IEC 61968-100, the Compressed payload): gzip (RFC 1952) over the content, then base64,
// with Format saying what the content is (XML when absent).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cimbus {

// gzip + base64 (no line breaks).
std::string compress_payload(std::string_view content);

struct DecompressedPayload {
  std::string content;
  std::string error;       // empty on success
  bool too_large = false;  // the limit was hit (a decompression bomb, or just too big)
};

// Strips whitespace, base64-decodes, and gunzips when the bytes start with the gzip magic
// (1F 8B). Inflation stops as soon as `max_bytes` would be exceeded.
DecompressedPayload decompress_payload(std::string_view text, std::size_t max_bytes);

}  // namespace cimbus
