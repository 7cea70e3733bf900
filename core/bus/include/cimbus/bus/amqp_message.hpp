#pragma once
// An AMQP 1.0 message as cimbus sends and receives it, without Proton types: the body (the XML
// document, UTF-8) and the properties that mirror the envelope (envelope_mapping.hpp).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cimbus::bus {

// The AMQP type of a message-id or correlation-id (AMQP 1.0 3.2.10): peers choose it (Qpid JMS
// sends strings "ID:…", others uuids or numbers), and a reply must give back the same value of
// the same type for the peer to match it. The text form cimbus works with: a string as it is, a
// uuid as 8-4-4-4-12 lower-case hex, binary as lower-case hex, ulong in decimal.
enum class IdType : std::uint8_t { string, uuid, binary, ulong };

struct AmqpMessage {
  std::string body;
  std::string message_id;
  std::string correlation_id;
  IdType message_id_type = IdType::string;
  IdType correlation_id_type = IdType::string;
  std::string reply_to;
  std::string subject;
  std::string content_type = "application/xml; charset=utf-8";
  std::string to;                                      // the address it was sent to, if known
  std::map<std::string, std::string> properties;       // application-properties (strings)
  bool durable = true;
  std::optional<std::chrono::milliseconds> ttl;
  std::uint32_t delivery_count = 0;                    // as received: earlier failed deliveries
  bool first_acquirer = false;                         // as received: the broker vouches that no
                                                       // one took this message before (AMQP
                                                       // header; false when the broker is silent)
  std::string unreadable;                              // as received: why a part could not be read
                                                       // as cimbus reads it (a property that is a
                                                       // list or map, a body that is neither text
                                                       // nor binary); the rest is as far as read
};

}  // namespace cimbus::bus
