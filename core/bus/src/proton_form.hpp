#pragma once
// The bus's records in Qpid Proton's form and back: a message (AmqpMessage <-> proton::message,
// every property kept) and the connection options (SASL, TLS, idle timeout).

#include <proton/connection_options.hpp>
#include <proton/message.hpp>

#include "cimbus/bus/amqp_message.hpp"
#include "cimbus/bus/connection_options.hpp"

namespace cimbus::bus {

proton::message to_proton(const AmqpMessage& m);
// Ids keep their AMQP type (IdType) beside their text; properties that are not strings become
// their text form.
AmqpMessage from_proton(const proton::message& p);
proton::connection_options connection_options(const ConnectionOptions& o);

}  // namespace cimbus::bus
