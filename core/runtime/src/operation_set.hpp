#pragma once
// The runtime's handler for `execute` requests (IEC 61968-100, OperationSet and its semantics): the operations
// of the Payload's OperationSet run one by one through the adapter's own (noun, verb) request
// handlers, as if each had come as a request of its own.
//
// - Each operation's payload is decoded and validated against its noun's schema like a request's.
// - Operations run in document order, which satisfies enforceMsgSequence whether or not it is set.
// - enforceTransactionalIntegrity: all or nothing. The first failed operation rolls back the whole
//   set: FAILED with 5.9 and the operation's own errors, each with Error/operationId.
// - Otherwise each operation commits or rolls back alone: OK when all succeed, FAILED when none
//   does, PARTIAL with the failed operations' errors (Error/operationId) in between.
// - The reply carries the payloads and Reply/IDs of the operations that succeeded; the events and
//   requests they made are sent after the commit, like a request's.
// - When every operation succeeded, an `executed` event of the set's noun follows, carrying the
//   operations and their payloads (6.8, 6.10).
// - A set named "OperationSet" (6.10) runs by the noun of its operations (operation_set_routing.hpp).
//
// A handler that throws anything but a Rejection fails the whole message, which is tried again.

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "cimbus/runtime/context.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/wrapper_name.hpp"
#include "cimbus/codec/xml_codec.hpp"

namespace cimbus::adapter::detail {

class OperationSetRunner {
 public:
  using Handler = std::function<void(Context&)>;
  using Handlers = std::map<std::pair<std::string, Verb>, Handler>;

  // `codec` decodes the operations' payloads; `handlers` are the adapter's request handlers.
  // Both must outlive the runner; neither is shared with another thread while it runs.
  OperationSetRunner(XmlCodec& codec, const Handlers& handlers, ReplyOptions reply_options);

  // Runs the OperationSet of `c`'s message and fills `c`'s reply. Throws Rejection when the
  // message carries no usable OperationSet (1.7, or 1.8 for an operationId used twice).
  void execute(Context& c) const;

  // Whether some request handler serves `noun` (an unserved verb is 2.9, an unserved noun 2.5).
  bool serves_noun(const std::string& noun) const;

 private:
  struct Outcome;
  static Envelope executed_event(const Envelope& request);
  Outcome run_operation(Context& c, const msg::OperationType& operation, const std::string& default_noun) const;

  XmlCodec& codec_;
  const Handlers& handlers_;
  ReplyOptions reply_options_;
};

}  // namespace cimbus::adapter::detail
