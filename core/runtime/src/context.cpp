#include "cimbus/runtime/context.hpp"

#include <stdexcept>

#include "cimbus/codec/uuid.hpp"

namespace cimbus::adapter {

Context::Context(const Envelope& message, store::Transaction& tx, Envelope reply)
    : message_(message), tx_(tx), reply_(std::move(reply)) {}

std::optional<std::string> request_option(const Envelope& message, const std::string& name) {
  for (const auto& o : message.message().request().option())
    if (o.name() == name) return o.value();
  return std::nullopt;
}

std::optional<std::string> Context::option(const std::string& name) const { return request_option(message_, name); }

void Context::add_payload(const google::protobuf::Message& object) { reply_.add_payload_objects()->PackFrom(object); }

void Context::add_reply_id(const std::string& id, msg::IDKindType::Value kind) {
  auto* out = reply_.mutable_message()->mutable_reply()->add_id();
  out->set_value(id);
  out->set_kind(kind);
}

std::string Context::publish(Envelope event) {
  msg::HeaderType* h = event.mutable_message()->mutable_header();
  if (!is_event_verb(h->verb())) throw std::invalid_argument("publish: " + to_literal(h->verb()) + " is not an event verb");
  if (h->noun().empty()) throw std::invalid_argument("publish: an event without Noun");
  if (h->message_id().empty()) h->set_message_id(new_uuid());
  const msg::HeaderType& cause = message_.message().header();
  if (h->correlation_id().empty() && !is_event_verb(cause.verb()) && cause.verb() != msg::HeaderType_Verb::reply)
    h->set_correlation_id(!cause.correlation_id().empty() ? cause.correlation_id() : cause.message_id());
  std::string id = h->message_id();
  outgoing_.push_back({std::move(event), false, std::chrono::milliseconds(0)});
  return id;
}

std::string Context::request(Envelope request, std::chrono::milliseconds deadline) {
  msg::HeaderType* h = request.mutable_message()->mutable_header();
  if (is_event_verb(h->verb()) || h->verb() == msg::HeaderType_Verb::reply)
    throw std::invalid_argument("request: " + to_literal(h->verb()) + " is not a request verb");
  if (h->noun().empty()) throw std::invalid_argument("request: a request without Noun");
  if (h->message_id().empty()) h->set_message_id(new_uuid());
  std::string id = h->message_id();
  outgoing_.push_back({std::move(request), true, deadline});
  return id;
}

}  // namespace cimbus::adapter
