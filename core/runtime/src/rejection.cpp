#include "cimbus/runtime/rejection.hpp"

namespace cimbus::adapter {

namespace {

std::string summary(const Diagnostics& errors) {
  if (errors.empty()) return "rejected";
  return errors.front().code + " " + errors.front().reason;
}

}  // namespace

Rejection::Rejection(Diagnostics errors) : std::runtime_error(summary(errors)), errors_(std::move(errors)) {}

Rejection::Rejection(std::string_view code, std::string reason, std::string path)
    : Rejection(Diagnostics{diagnostic_at(code, std::move(reason), std::move(path))}) {}

}  // namespace cimbus::adapter
