#pragma once
// The JSON form of a bus message for systems with a plain HTTP API (IEC 61968-100 clause 5.3.5),
// the same both ways: what the json connector POSTs to a system, and what a system POSTs to the
// adapter's local API (json_api.hpp).
//
//   {"verb": "create", "noun": "ServiceOrders",
//    "messageId": "…", "correlationId": "…", "source": "cis", "user": "…",
//    "payload": {"ServiceOrder": [{"mRID": "…", …}]},       // the noun's payload, protobuf JSON
//    "query": {…}}                                            // get: the Get<Noun> query
//
// Field names in the payload are the CIM profile's (mRID, ServiceOrder, ...), as protobuf's JSON
// mapping of the types generated from the schemas writes them. An answer is
//   {"result": "OK"|"PARTIAL"|"FAILED", "errors": [{"code": "2.22", "reason": "…"}], "payload": {…}}
//
// Threading: free functions without state.

#include <optional>
#include <string>
#include <string_view>

#include "cimbus/codec/diagnostic.hpp"
#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/envelope.pb.h"

namespace cimbus::json {

// `message` (a request or an event) in its JSON form.
std::string to_json_message(const Envelope& message);

// The payload object of `noun` in `json` (the payload alone, e.g. {"ServiceOrder": [...]}), packed
// into `into`. Throws std::invalid_argument naming what is wrong (not JSON, an unknown field, no
// schema loaded for the noun).
void add_payload_from_json(const SchemaRegistry& registry, const std::string& noun, std::string_view json, Envelope& into);

// A message of `verb` and `noun` from its JSON form; the Header's other fields from the JSON.
// Throws std::invalid_argument as add_payload_from_json does.
Envelope from_json_message(const SchemaRegistry& registry, const std::string& noun, Verb verb, std::string_view json);

// A reply in JSON: result, errors, and the payload objects (merged when several of one type).
std::string reply_to_json(const Envelope& reply);

// A reply of `noun` from its JSON form (what reply_to_json writes: result, errors, payload,
// correlationId), as a system sends a result later (POST /results/<Noun>). Throws
// std::invalid_argument as add_payload_from_json does, and for an unknown result.
Envelope reply_from_json(const SchemaRegistry& registry, const std::string& noun, std::string_view json);

// Errors a system gave as JSON: {"code","reason"}, a list of them, or {"errors": [...]}. Empty
// when `json` holds none.
Diagnostics errors_from_json(std::string_view json);

}  // namespace cimbus::json
