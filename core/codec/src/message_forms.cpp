#include "cimbus/codec/message_forms.hpp"

#include <google/protobuf/util/json_util.h>

namespace cimbus {

std::string to_json(const Envelope& envelope, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(envelope, &out, options);
  return out;
}

std::optional<Envelope> from_json(std::string_view json, std::string* error) {
  Envelope envelope;
  auto status = google::protobuf::util::JsonStringToMessage(std::string(json), &envelope);
  if (!status.ok()) {
    if (error != nullptr) *error = std::string(status.message());
    return std::nullopt;
  }
  return envelope;
}

std::string to_binary(const Envelope& envelope) { return envelope.SerializeAsString(); }

std::optional<Envelope> from_binary(std::string_view bytes) {
  Envelope envelope;
  if (!envelope.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return std::nullopt;
  return envelope;
}

}  // namespace cimbus
