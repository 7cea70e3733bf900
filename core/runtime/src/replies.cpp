#include "cimbus/runtime/replies.hpp"

#include "cimbus/codec/payload_object.hpp"

namespace cimbus::adapter {

Envelope Replies::merged() const {
  using Result = msg::ReplyType_Result;
  Envelope out = last();
  if (pages.size() == 1) return out;
  out.clear_payload_objects();
  for (const Envelope& page : pages)
    for (const auto& object : page.payload_objects()) *out.add_payload_objects() = object;
  merge_same_types(*out.mutable_payload_objects());
  out.mutable_message()->mutable_reply()->set_result(result() == Result::PARTIAL ? Result::OK : result());
  return out;
}

}  // namespace cimbus::adapter
