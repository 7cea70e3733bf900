#include "cimbus/bus/envelope_mapping.hpp"

#include "cimbus/codec/verb.hpp"

namespace cimbus::bus {

AmqpMessage to_amqp_message(const Envelope& envelope, std::string xml) {
  AmqpMessage m;
  m.body = std::move(xml);
  if (!envelope.message().has_header()) return m;  // a FaultMessage: the caller correlates it
  const msg::HeaderType& h = envelope.message().header();
  m.message_id = h.message_id();
  m.correlation_id = h.correlation_id();
  m.reply_to = h.reply_address();
  m.subject = h.noun();
  m.properties["Verb"] = to_literal(h.verb());
  m.properties["Noun"] = h.noun();
  if (h.has_source()) m.properties["Source"] = h.source();
  if (h.has_context()) m.properties["Context"] = h.context();
  if (h.has_revision()) m.properties["Revision"] = h.revision();
  return m;
}

}  // namespace cimbus::bus
