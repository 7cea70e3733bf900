// The JSON form of an envelope (from_json, message_forms.hpp). What it reads must survive the
// binary form unchanged, and encoding it as XML either succeeds or refuses with EncodeError.

#include <google/protobuf/util/message_differencer.h>

#include "cimbus/codec/message_forms.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cimbus::XmlCodec codec;
  std::string error;
  const auto envelope = cimbus::from_json(cimbus::fuzz::bytes_of(data, size), &error);
  if (!envelope) return 0;
  const auto again = cimbus::from_binary(cimbus::to_binary(*envelope));
  if (!again || !google::protobuf::util::MessageDifferencer::Equals(*envelope, *again))
    cimbus::fuzz::finding("an envelope read from JSON changes through the binary form");
  try {
    codec.decode(codec.encode(*envelope));
  } catch (const cimbus::EncodeError&) {
  }
  return 0;
}
