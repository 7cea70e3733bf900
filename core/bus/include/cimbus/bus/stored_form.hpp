#pragma once
// An AmqpMessage as the store keeps it (store::StoredMessage) and back: outbox rows and the
// replies the inbox remembers keep every field and property the message is sent with.

#include "cimbus/bus/amqp_message.hpp"
#include "cimbus/stored_message.pb.h"

namespace cimbus::bus {

store::StoredMessage to_stored(const AmqpMessage& message);
// Throws nothing: a damaged row is refused when the store reads it.
AmqpMessage from_stored(store::StoredMessage stored);
store::IdType to_stored(IdType type);
IdType from_stored(store::IdType type);
// An application property of a stored message ("" when it has none), e.g. "Noun", "Verb".
const std::string& stored_property(const store::StoredMessage& stored, const std::string& name);

}  // namespace cimbus::bus
