#pragma once
// Building and reading the messages the three roles exchange: events, requests and get queries
// with a typed payload, and the IDs a request names.

#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "cimbus/runtime/context.hpp"
#include "cimbus/envelope.pb.h"
#include "cimbus/codec/verb.hpp"

namespace cimbus::reference {

// An event or request of (noun, verb) with `payload` as its typed payload (none when null).
Envelope make_message(const std::string& noun, Verb verb, const google::protobuf::Message* payload);
// A get request, with an optional typed query (Get<Noun>) and Request/ID values.
Envelope make_get(const std::string& noun, const google::protobuf::Message* query, const std::vector<std::string>& ids = {});

// The objects a request names without a typed payload: Request/ID and Payload/ID values.
std::vector<std::string> named_ids(const adapter::Context& c);

// Publishes an event of (noun, verb) with `payload`.
void publish(adapter::Context& c, const std::string& noun, Verb verb, const google::protobuf::Message& payload);
// Sends a request of (noun, verb) with `payload`; returns its MessageID.
std::string request(adapter::Context& c, const std::string& noun, Verb verb, const google::protobuf::Message& payload);

}  // namespace cimbus::reference
