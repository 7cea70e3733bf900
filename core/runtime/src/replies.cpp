#include "cimbus/runtime/replies.hpp"

namespace cimbus::adapter {

Envelope Replies::merged() const {
  using Result = msg::ReplyType_Result;
  Envelope out = last();
  if (pages.size() == 1) return out;
  out.clear_payload_objects();
  for (const Envelope& page : pages)
    for (const auto& object : page.payload_objects()) {
      google::protobuf::Any* same = nullptr;
      for (auto& have : *out.mutable_payload_objects())
        if (have.type_url() == object.type_url()) same = &have;
      if (same == nullptr) {
        *out.add_payload_objects() = object;
        continue;
      }
      // Two packed messages of one type merge as their serialized bytes concatenated.
      same->set_value(same->value() + object.value());
    }
  out.mutable_message()->mutable_reply()->set_result(result() == Result::PARTIAL ? Result::OK : result());
  return out;
}

}  // namespace cimbus::adapter
