// The JSON side of the connectors: what a system POSTs to an adapter's JSON API (a request or an
// event of a noun and verb, a later result, a list of errors), read by json_message.hpp, then
// encoded and read back under the strict policy as the JSON API validates it before the bus.
//
// Input: "noun verb\nbody". Bad JSON is std::invalid_argument (answered 400), never anything else.

#include <stdexcept>
#include <string>

#include "cimbus/codec/verb.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/json/json_message.hpp"
#include "fuzz_input.hpp"

namespace {

void validate(cimbus::XmlCodec& codec, const cimbus::Envelope& message) {
  try {
    codec.decode(codec.encode(message));
  } catch (const cimbus::EncodeError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cimbus::XmlCodec codec;
  static const auto registry = cimbus::SchemaRegistry::builtin();
  const auto call = cimbus::fuzz::split_lines(cimbus::fuzz::bytes_of(data, size), 1);
  const std::string_view first = call.lines[0];
  const std::size_t space = first.find(' ');
  const std::string noun(first.substr(0, space));
  const auto verb = cimbus::parse_verb(space == std::string_view::npos ? std::string() : std::string(first.substr(space + 1)));
  try {
    validate(codec, cimbus::json::from_json_message(*registry, noun, verb.value_or(cimbus::msg::HeaderType_Verb::create), call.rest));
  } catch (const std::invalid_argument&) {
  }
  try {
    validate(codec, cimbus::json::reply_from_json(*registry, noun, call.rest));
  } catch (const std::invalid_argument&) {
  }
  cimbus::json::errors_from_json(call.rest);
  return 0;
}
