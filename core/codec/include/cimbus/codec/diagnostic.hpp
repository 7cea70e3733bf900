#pragma once
// One finding about a message: an IEC 61968-100 code, a level, a reason and where it was found.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cimbus {

// The `level` values of the 61968-100 Error element, in increasing severity.
enum class Level { inform, warning, fatal, catastrophic };

const char* to_string(Level level);

struct Diagnostic {
  std::string code;              // e.g. "1.8"; see error_code.hpp
  Level level = Level::fatal;
  std::string reason;            // one line for people: what is wrong
  std::string path;              // element path, e.g. /RequestMessage/Header/Verb ("" = document)
  std::string element_namespace; // namespace and local name of the element at fault, used for
  std::string element_name;      // the QName-typed Error/xpath
  std::string detail;            // the validator's own message, when there is one
  std::uint64_t line = 0;
  std::uint64_t column = 0;
  std::optional<std::int64_t> operation_id;  // the OperationSet operation it concerns (Error/operationId)

  bool is_error() const { return level >= Level::fatal; }
};

using Diagnostics = std::vector<Diagnostic>;

// A finding about a whole message (no element path), e.g. for a reply's Error.
inline Diagnostic diagnostic(std::string_view code, std::string reason, Level level = Level::fatal) {
  Diagnostic d;
  d.code = std::string(code);
  d.level = level;
  d.reason = std::move(reason);
  return d;
}

// A fatal finding about the element at `path`, e.g. /Header/ReplayDetection/Created.
inline Diagnostic diagnostic_at(std::string_view code, std::string reason, std::string path) {
  Diagnostic d = diagnostic(code, std::move(reason));
  d.path = std::move(path);
  return d;
}

// The code that best names what is wrong: the first error by the precedence 1.5, 2.9, 2.5, 1.6,
// 1.7, 7.7, 3.1, then the rest in order. Empty when there is no error.
std::string primary_code(const Diagnostics& diagnostics);

}  // namespace cimbus
