#include "cimbus/codec/payload_object.hpp"

namespace cimbus {

std::unique_ptr<google::protobuf::Message> unpack_object(const google::protobuf::Any& object) {
  const std::string& url = object.type_url();
  const auto* type = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(url.substr(url.rfind('/') + 1));
  if (type == nullptr) return nullptr;
  std::unique_ptr<google::protobuf::Message> value(google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
  return object.UnpackTo(value.get()) ? std::move(value) : nullptr;
}

}  // namespace cimbus
