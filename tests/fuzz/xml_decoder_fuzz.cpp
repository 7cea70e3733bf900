// The XML decoder (XmlCodec::decode): envelopes, SOAP envelopes and typed payloads, read under the
// strict and the lenient policy. Whatever it accepts must encode and read back accepted: a message
// the adapter took in can always be answered and stored.

#include "cimbus/codec/xml_codec.hpp"
#include "fuzz_input.hpp"

namespace {

void read_and_round_trip(cimbus::XmlCodec& codec, std::string_view xml) {
  cimbus::DecodeResult read = codec.decode(xml);
  if (!read.accepted()) return;
  std::string again;
  try {
    again = codec.encode(read.envelope);
  } catch (const cimbus::EncodeError&) {
    return;  // e.g. a string XML 1.0 cannot carry: refused where it is written, which is allowed
  }
  if (!codec.decode(again).accepted()) cimbus::fuzz::finding("an accepted message, encoded again, is not accepted");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cimbus::XmlCodec strict({cimbus::ValidationPolicy::strict, {}});
  static cimbus::XmlCodec lenient({cimbus::ValidationPolicy::lenient, {}});
  const std::string_view xml = cimbus::fuzz::bytes_of(data, size);
  read_and_round_trip(strict, xml);
  read_and_round_trip(lenient, xml);
  return 0;
}
