#pragma once
// A message on its way to a system outside the process (Adapter::forward, system_call.hpp), and
// what came of the call. The pipeline makes the first, the call threads the second.

#include <cstdint>
#include <optional>
#include <string>

#include "cimbus/codec/diagnostic.hpp"
#include "cimbus/envelope.pb.h"
#include "cimbus/runtime/system_call.hpp"

namespace cimbus::adapter::detail {

struct ForwardedCall {
  std::uint64_t number = 0;       // names the call in the pipeline's calls in flight
  const SystemCall* call = nullptr;
  int attempt = 1;                // of the message, counted by the inbox
  Envelope message;
  Envelope reply;                 // prepared: Result OK (PARTIAL with lenient findings), correlation set
};

struct CallOutcome {
  std::uint64_t number = 0;
  Envelope reply;                        // the system's answer
  std::optional<Diagnostics> refused;    // the system refused the message (Rejection): final
  std::string failure;                   // not empty: a temporary failure, and why
};

}  // namespace cimbus::adapter::detail
