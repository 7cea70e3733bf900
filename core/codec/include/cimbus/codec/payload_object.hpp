#pragma once
// A typed payload or query object of an Envelope (payload_objects, request_objects), unpacked
// into the protobuf type generated for it, whatever that type is.

#include <memory>

#include <google/protobuf/any.pb.h>
#include <google/protobuf/message.h>

namespace cimbus {

// nullptr when the type is not one cimbus generated, or the bytes do not parse as it.
std::unique_ptr<google::protobuf::Message> unpack_object(const google::protobuf::Any& object);

}  // namespace cimbus
