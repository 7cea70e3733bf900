#include "operation_set.hpp"

#include "cimbus/codec/payload_object.hpp"

#include <set>

#include "cimbus/runtime/rejection.hpp"
#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/operation_set_routing.hpp"
#include "cimbus/store/savepoint.hpp"
#include "cimbus/store/store.hpp"

namespace cimbus::adapter::detail {

namespace {

msg::ErrorType error(std::string_view code, const std::string& reason, std::int64_t operation_id) {
  Diagnostic d = diagnostic(code, reason);
  d.operation_id = operation_id;
  return to_error(d);
}

}  // namespace

struct OperationSetRunner::Outcome {
  bool ok = false;
  std::vector<msg::ErrorType> errors;  // failures, or warnings of a success; each with its operationId
};

OperationSetRunner::OperationSetRunner(XmlCodec& codec, const Handlers& handlers, ReplyOptions reply_options)
    : codec_(codec), handlers_(handlers), reply_options_(std::move(reply_options)) {}

bool OperationSetRunner::serves_noun(const std::string& noun) const {
  for (const auto& [key, handler] : handlers_)
    if (key.first == noun) return true;
  return false;
}

void OperationSetRunner::execute(Context& c) const {
  const std::string noun = operation_set_noun(routed_noun(c.message()));
  const msg::MessageType& m = c.message().message();
  if (!m.has_payload() || !m.payload().has_operation_set() || m.payload().operation_set().operation_size() == 0)
    throw Rejection(std::string(code::kPayloadElementsMissing), "execute " + c.noun() + ": the Payload carries no OperationSet with an Operation",
                    "/RequestMessage/Payload/OperationSet");
  const msg::OperationSet& set = m.payload().operation_set();
  std::set<std::int64_t> ids;
  for (const auto& operation : set.operation())
    if (!ids.insert(operation.operation_id()).second)
      throw Rejection(std::string(code::kSchemaInvalid),
                      "operationId " + std::to_string(operation.operation_id()) + " is used twice; it must be unique within the OperationSet",
                      "/RequestMessage/Payload/OperationSet/Operation/operationId");

  const bool all_or_nothing = set.enforce_transactional_integrity();
  std::optional<store::Savepoint> whole;
  if (all_or_nothing) whole.emplace(c.tx());
  msg::ReplyType* reply = c.reply().mutable_message()->mutable_reply();
  int succeeded = 0, failed = 0;
  bool warned = false;
  for (const auto& operation : set.operation()) {
    Outcome outcome = run_operation(c, operation, noun);
    if (outcome.ok) {
      ++succeeded;
      warned |= !outcome.errors.empty();
    } else if (all_or_nothing) {
      // Nothing of the set stays: the savepoint rolls back, and what the operations before this one
      // put in the reply and the outgoing messages goes as well.
      whole.reset();
      c.outgoing().clear();
      c.reply().clear_payload_objects();
      reply->clear_id();
      reply->clear_error();
      reply->set_result(msg::ReplyType_Result::FAILED);
      *reply->add_error() = error(code::kTransactionalIntegrity,
                                  "the OperationSet was rolled back: operation " + std::to_string(operation.operation_id()) + " failed",
                                  operation.operation_id());
      for (auto& e : outcome.errors) *reply->add_error() = std::move(e);
      return;
    } else {
      ++failed;
    }
    for (auto& e : outcome.errors) *reply->add_error() = std::move(e);
  }
  if (whole) whole->release();
  // One payload element per type: what a typed OperationSet response's Payload can carry.
  merge_same_types(*c.reply().mutable_payload_objects());
  if (set.operation_size() == 1) reply->set_operation_id(set.operation(0).operation_id());
  if (failed > 0) reply->set_result(succeeded == 0 ? msg::ReplyType_Result::FAILED : msg::ReplyType_Result::PARTIAL);
  else if (warned) reply->set_result(msg::ReplyType_Result::PARTIAL);
  if (failed == 0) c.publish(executed_event(c.message()));
}

// After a successful execute, the past-tense event (IEC 61968-100 6.8, 6.10): the set's noun, and
// its operations with their payloads, as they were executed.
Envelope OperationSetRunner::executed_event(const Envelope& request) {
  Envelope event;
  msg::HeaderType* h = event.mutable_message()->mutable_header();
  h->set_verb(msg::HeaderType_Verb::executed);
  h->set_noun(request.message().header().noun());
  *event.mutable_message()->mutable_payload()->mutable_operation_set() = request.message().payload().operation_set();
  return event;
}

OperationSetRunner::Outcome OperationSetRunner::run_operation(Context& c, const msg::OperationType& operation,
                                                              const std::string& default_noun) const {
  const std::int64_t id = operation.operation_id();
  const std::string name = "operation " + std::to_string(id);
  Outcome out;
  auto fail = [&](std::string_view code, const std::string& reason) {
    out.errors.push_back(error(code, name + ": " + reason, id));
    return out;
  };
  const std::string noun = operation.noun().empty() ? default_noun : operation.noun();
  if (operation.verb().empty()) return fail(code::kPayloadElementsMissing, "no verb");
  const std::optional<Verb> verb = parse_verb(operation.verb());
  if (!verb || !is_transaction_verb(*verb) || *verb == msg::HeaderType_Verb::execute)
    return fail(code::kInvalidVerb, "'" + operation.verb() + "' is not a verb an operation can carry (create, change, cancel, close, delete)");
  if (operation.element_operation())
    return fail(code::kInvalidVerb, "elementOperation is not supported: operations act on whole objects");
  auto handler = handlers_.find({noun, *verb});
  if (handler == handlers_.end()) {
    if (serves_noun(noun)) return fail(code::kInvalidVerb, operation.verb() + " " + noun + " is not served here");
    return fail(code::kInvalidNoun, noun + " is not served here");
  }
  if (operation.any().empty()) return fail(code::kPayloadElementsMissing, "no " + noun + " payload");

  DecodeResult decoded = codec_.decode_payload(noun, *verb, operation.any());
  for (const Diagnostic& d : decoded.diagnostics) {
    Diagnostic tagged = d;
    tagged.reason = name + ": " + d.reason;
    tagged.operation_id = id;
    out.errors.push_back(to_error(tagged));
  }
  if (!decoded.accepted()) return out;

  // The operation is a request of its own: the execute request's header, its noun and verb, and
  // a MessageID of its own for handlers that key on it.
  Envelope message = std::move(decoded.envelope);
  msg::HeaderType* header = message.mutable_message()->mutable_header();
  *header = c.header();
  header->set_noun(noun);
  header->set_verb(*verb);
  header->set_message_id(c.header().message_id() + "#" + std::to_string(id));

  store::Savepoint savepoint(c.tx());
  Context context(message, c.tx(), make_reply(message, msg::ReplyType_Result::OK, {}, reply_options_));
  try {
    (*handler).second(context);
  } catch (const Rejection& r) {
    for (Diagnostic d : r.errors()) {
      d.operation_id = id;
      out.errors.push_back(to_error(d));
    }
    return out;  // the savepoint rolls back
  }
  const msg::ReplyType& answered = context.reply().message().reply();
  for (msg::ErrorType e : answered.error()) {
    e.set_operation_id(id);
    out.errors.push_back(std::move(e));
  }
  if (answered.result() == msg::ReplyType_Result::FAILED) return out;
  savepoint.release();
  out.ok = true;
  for (const auto& object : context.reply().payload_objects()) *c.reply().add_payload_objects() = object;
  for (const auto& reply_id : answered.id()) *c.reply().mutable_message()->mutable_reply()->add_id() = reply_id;
  for (auto& outgoing : context.outgoing()) c.outgoing().push_back(std::move(outgoing));
  return out;
}

}  // namespace cimbus::adapter::detail
