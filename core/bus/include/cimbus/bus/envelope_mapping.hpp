#pragma once
// IEC 61968-100 envelope fields mirrored into AMQP 1.0 properties, so that brokers can route and
// select on them and JMS peers see sensible values (the JMS mapping of AMQP 1.0 properties):
//
//   MessageID -> message-id        CorrelationID -> correlation-id    ReplyAddress -> reply-to
//   Noun -> subject                Verb, Noun, Source, Context, Revision -> application-properties
//   the XML document (UTF-8) -> body, content-type application/xml; charset=utf-8, durable
//
// The XML stays the message: the properties are copies for the infrastructure.

#include <string>

#include "cimbus/bus/amqp_message.hpp"
#include "cimbus/envelope.pb.h"

namespace cimbus::bus {

AmqpMessage to_amqp_message(const Envelope& envelope, std::string xml);

}  // namespace cimbus::bus
