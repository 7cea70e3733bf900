// The protobuf-binary form of an envelope (from_binary, message_forms.hpp), as the store and the
// binary content type carry it. What it reads must write as JSON and read back, and encoding it as
// XML either succeeds or refuses with EncodeError.

#include "cimbus/codec/message_forms.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cimbus::XmlCodec codec;
  const auto envelope = cimbus::from_binary(cimbus::fuzz::bytes_of(data, size));
  if (!envelope) return 0;
  cimbus::from_json(cimbus::to_json(*envelope, false));
  try {
    codec.decode(codec.encode(*envelope));
  } catch (const cimbus::EncodeError&) {
  }
  return 0;
}
