// Payload/Compressed (compressed_payload.hpp): base64 over gzip from a sender, with a bound on what
// it may inflate to (decompression bombs). The input is read twice: as the Compressed text itself,
// and as the content of a request's Compressed payload, which the decoder inflates and reads as
// the noun's payload. Anything compressed must come back the same.

#include "cimbus/codec/compressed_payload.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kLimit = 1 << 20;
  static cimbus::XmlCodec codec;
  const std::string_view input = cimbus::fuzz::bytes_of(data, size);
  const cimbus::DecompressedPayload read = cimbus::decompress_payload(input, kLimit);
  if (read.content.size() > kLimit) cimbus::fuzz::finding("inflated beyond the limit");
  const std::string compressed = cimbus::compress_payload(input);
  const cimbus::DecompressedPayload back = cimbus::decompress_payload(compressed, kLimit);
  if (!back.error.empty() || back.content != input) cimbus::fuzz::finding("compressed content does not come back the same");

  cimbus::Envelope request;
  request.set_archetype(cimbus::Envelope::REQUEST_MESSAGE);
  auto* header = request.mutable_message()->mutable_header();
  header->set_verb(cimbus::msg::HeaderType_Verb::create);
  header->set_noun("TroubleTickets");
  header->set_message_id("7d1c2a5e-0b8f-4f5e-9a43-1f0b6c1d2e3f");
  request.mutable_message()->mutable_payload()->set_compressed(compressed);
  codec.decode(codec.encode(request));
  return 0;
}
