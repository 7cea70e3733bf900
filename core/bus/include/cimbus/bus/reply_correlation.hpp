#pragma once
// How a reply is matched on the transport, the way JMS requesters match it: Qpid JMS and most JMS
// code compare a reply's JMSCorrelationID with the JMSMessageID the provider gave the request
// (IEC 61968-100 FDIS 8.4.3). So a reply's AMQP correlation-id is the request's correlation-id
// when it had one, otherwise the request's message-id, with the AMQP type it had (amqp_message.hpp).
// This is independent of the Header, whose CorrelationID follows clause 6.9 (reply_builder.hpp):
// a request with no Header MessageID is still answered in a way its sender can match.

#include <string>

#include "cimbus/bus/amqp_message.hpp"

namespace cimbus::bus {

struct TransportCorrelation {
  std::string id;  // empty: the request had neither id, and its reply is not correlated this way
  IdType type = IdType::string;

  bool operator==(const TransportCorrelation& other) const { return id == other.id && type == other.type; }
  bool operator!=(const TransportCorrelation& other) const { return !(*this == other); }
};

// What a reply to `request` carries as its correlation-id.
TransportCorrelation reply_correlation(const AmqpMessage& request);

// The correlation-id `message` carries, with its type.
TransportCorrelation carried_correlation(const AmqpMessage& message);

// `reply` with that correlation-id; left as the Header made it when `correlation` is empty.
void correlate(AmqpMessage& reply, const TransportCorrelation& correlation);

}  // namespace cimbus::bus
