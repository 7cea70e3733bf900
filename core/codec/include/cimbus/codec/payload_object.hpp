#pragma once
// A typed payload or query object of an Envelope (payload_objects, request_objects), unpacked
// into the protobuf type generated for it, whatever that type is.

#include <memory>

#include <google/protobuf/any.pb.h>
#include <google/protobuf/message.h>
#include <google/protobuf/repeated_ptr_field.h>

namespace cimbus {

// nullptr when the type is not one cimbus generated, or the bytes do not parse as it.
std::unique_ptr<google::protobuf::Message> unpack_object(const google::protobuf::Any& object);
// The same, made on `arena` (which owns it): no allocation and no destructor per field, for
// objects read once and dropped (the encoder's).
google::protobuf::Message* unpack_object(const google::protobuf::Any& object, google::protobuf::Arena& arena);

// Objects of one type merged into the first of them, in order: a noun's payload is one element
// whose items are repeated, so two ServiceOrders become one with the items of both (their
// serialized bytes concatenated, which is protobuf's merge). A typed wrapper's Payload takes one
// element of the noun, which the replies of a get's pages or an OperationSet's operations would
// otherwise break.
void merge_same_types(google::protobuf::RepeatedPtrField<google::protobuf::Any>& objects);

}  // namespace cimbus
