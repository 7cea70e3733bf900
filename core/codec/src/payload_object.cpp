#include "cimbus/codec/payload_object.hpp"

namespace cimbus {

namespace {

const google::protobuf::Message* prototype_of(const google::protobuf::Any& object) {
  const std::string& url = object.type_url();
  const auto* type = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(url.substr(url.rfind('/') + 1));
  return type == nullptr ? nullptr : google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
}

}  // namespace

std::unique_ptr<google::protobuf::Message> unpack_object(const google::protobuf::Any& object) {
  const google::protobuf::Message* prototype = prototype_of(object);
  if (prototype == nullptr) return nullptr;
  std::unique_ptr<google::protobuf::Message> value(prototype->New());
  return object.UnpackTo(value.get()) ? std::move(value) : nullptr;
}

google::protobuf::Message* unpack_object(const google::protobuf::Any& object, google::protobuf::Arena& arena) {
  const google::protobuf::Message* prototype = prototype_of(object);
  if (prototype == nullptr) return nullptr;
  google::protobuf::Message* value = prototype->New(&arena);
  return object.UnpackTo(value) ? value : nullptr;
}

void merge_same_types(google::protobuf::RepeatedPtrField<google::protobuf::Any>& objects) {
  google::protobuf::RepeatedPtrField<google::protobuf::Any> merged;
  for (auto& object : objects) {
    google::protobuf::Any* same = nullptr;
    for (auto& have : merged)
      if (have.type_url() == object.type_url()) same = &have;
    if (same == nullptr) *merged.Add() = std::move(object);
    else same->set_value(same->value() + object.value());
  }
  objects.Swap(&merged);
}

}  // namespace cimbus
