#include "system_results.hpp"

#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/bus/stored_form.hpp"
#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/wrapper_name.hpp"

namespace cimbus::adapter::detail {

namespace {

constexpr std::size_t kExpiredPerTurn = 256;

}  // namespace

SystemResults::SystemResults(const AdapterOptions& options, XmlCodec& codec, store::Store& store, OutboxPump& outbox, RuntimeLog& log)
    : options_(options), codec_(codec), store_(store), outbox_(outbox), log_(log), next_deadline_(store.acknowledged_calls().next_deadline()) {}

void SystemResults::await(store::Transaction& tx, const std::string& message_id, const Envelope& request, const std::string& reply_target,
                          Envelope reply, const bus::TransportCorrelation& correlation) {
  const auto& h = request.message().header();
  store::AcknowledgedCalls::Entry call;
  call.message_id = message_id;
  call.correlation = !h.correlation_id().empty() ? h.correlation_id() : h.message_id();
  call.noun = operation_set_noun(h.noun());  // the result may name the set or its noun
  call.reply_target = reply_target;
  call.transport_correlation = correlation.id;
  call.transport_correlation_type = bus::to_stored(correlation.type);
  call.reply = std::move(reply);
  call.reply.mutable_message()->clear_reply();  // the acknowledgement's; the result brings its own
  call.reply.mutable_message()->mutable_reply()->set_result(msg::ReplyType_Result::OK);
  call.reply.mutable_message()->clear_payload();
  call.reply.clear_payload_objects();
  call.deadline_ms = epoch_ms() + options_.config.connector().result_timeout_ms();
  store_.acknowledged_calls().add(tx, call);
  // Handled, with no reply yet: a replay meanwhile is not called again; the result replaces this.
  outbox_.finish(tx, message_id, reply_target, std::nullopt);
  if (!next_deadline_ || call.deadline_ms < *next_deadline_) next_deadline_ = call.deadline_ms;
}

Diagnostics SystemResults::take(store::Transaction& tx, const Envelope& result) {
  const auto& h = result.message().header();
  if (h.correlation_id().empty())
    return {diagnostic(code::kHeaderElementsMissing, "a result must carry the CorrelationID of the request it answers")};
  auto call = store_.acknowledged_calls().find(tx, h.correlation_id(), h.noun().empty() ? std::string() : operation_set_noun(h.noun()));
  if (!call)
    return {diagnostic(code::kInvalidRequestIds, "no request with CorrelationID " + h.correlation_id() + (h.noun().empty() ? "" : " (" + h.noun() + ")") +
                                                     " awaits a result: it was answered already, timed out, or was never sent here")};
  Envelope reply = call->reply;
  copy_answer(result, reply);
  const bool final = !has_code(result, code::kPartialMoreFollows);
  answer(tx, *call, reply, final);
  log_.count([](AdapterStats& s) { ++s.handled; });
  return {};
}

void SystemResults::expire() {
  const std::int64_t now = epoch_ms();
  if (!next_deadline_ || *next_deadline_ > now) return;
  store::Transaction tx = store_.begin();
  for (const auto& call : store_.acknowledged_calls().expired(now, kExpiredPerTurn)) {
    log_.log().warn(call.noun + " " + call.message_id + ": the system acknowledged it but sent no result within " +
                    std::to_string(options_.config.connector().result_timeout_ms()) + " ms");
    Envelope reply = call.reply;
    msg::ReplyType* r = reply.mutable_message()->mutable_reply();
    r->set_result(msg::ReplyType_Result::FAILED);
    *r->add_error() = to_error(diagnostic(code::kTimedOut, "the system acknowledged the request but sent no result in time"));
    answer(tx, call, reply, true);
    log_.count([](AdapterStats& s) { ++s.failed; });
  }
  next_deadline_ = store_.acknowledged_calls().next_deadline();
  tx.commit();
}

// A page goes out on its own; the final reply is kept in the inbox too, for a replay to get it.
void SystemResults::answer(store::Transaction& tx, const store::AcknowledgedCalls::Entry& call, const Envelope& reply, bool final) {
  std::optional<store::StoredMessage> stored;
  if (!call.reply_target.empty()) {
    bus::AmqpMessage m = bus::to_amqp_message(reply, codec_.encode(reply));
    bus::correlate(m, {call.transport_correlation, bus::from_stored(call.transport_correlation_type)});
    stored = bus::to_stored(m);
  }
  if (!final) {
    if (stored) outbox_.add(tx, call.reply_target, std::move(*stored));
    return;
  }
  outbox_.finish(tx, call.message_id, call.reply_target, std::move(stored));
  store_.acknowledged_calls().remove(tx, call.message_id);
}

}  // namespace cimbus::adapter::detail
