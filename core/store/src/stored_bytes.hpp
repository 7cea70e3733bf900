#pragma once
// A StoredMessage as the inbox and outbox keep it: protobuf bytes.

#include <stdexcept>
#include <string>

#include "cimbus/stored_message.pb.h"

namespace cimbus::store {

inline StoredMessage parse_stored(const std::string& bytes) {
  StoredMessage m;
  if (!m.ParseFromString(bytes)) throw std::runtime_error("a stored message is damaged");
  return m;
}

}  // namespace cimbus::store
