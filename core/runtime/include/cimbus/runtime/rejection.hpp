#pragma once
// Thrown by a handler to refuse a message for a business reason: the message's effects are rolled
// back and the requester gets a FAILED reply carrying these errors (e.g. 2.22 unknown customer).
// The refusal is final: a replay of the same MessageID gets the same reply.

#include <stdexcept>
#include <string>
#include <string_view>

#include "cimbus/codec/diagnostic.hpp"

namespace cimbus::adapter {

class Rejection : public std::runtime_error {
 public:
  explicit Rejection(Diagnostics errors);
  // One FATAL error with a 61968-100 code, e.g. Rejection("2.22", "unknown customer C-17").
  Rejection(std::string_view code, std::string reason, std::string path = {});

  const Diagnostics& errors() const { return errors_; }

 private:
  Diagnostics errors_;
};

}  // namespace cimbus::adapter
