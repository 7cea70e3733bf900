#include "cimbus/runtime/rejection.hpp"

namespace cimbus::adapter {

namespace {

std::string summary(const Diagnostics& errors) {
  if (errors.empty()) return "rejected";
  return errors.front().code + " " + errors.front().reason;
}

}  // namespace

Rejection::Rejection(Diagnostics errors) : std::runtime_error(summary(errors)), errors_(std::move(errors)) {}

namespace {

Diagnostic fatal(std::string_view code, std::string reason, std::string path) {
  Diagnostic d = diagnostic(code, std::move(reason));
  d.path = std::move(path);
  return d;
}

}  // namespace

Rejection::Rejection(std::string_view code, std::string reason, std::string path)
    : Rejection(Diagnostics{fatal(code, std::move(reason), std::move(path))}) {}

}  // namespace cimbus::adapter
