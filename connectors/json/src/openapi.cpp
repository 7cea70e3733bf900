// The OpenAPI 3.1 description of the local JSON API (json_api.hpp), made from the types generated
// from the loaded schemas: one schema per message type, by its full protobuf name, with the field
// names of protobuf's JSON mapping (the CIM names).

#include <deque>
#include <set>

#include <google/protobuf/descriptor.h>

#include "cimbus/json/json_api.hpp"

namespace cimbus::json {

namespace {

namespace pb = google::protobuf;
using FD = pb::FieldDescriptor;

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string ref(const pb::Descriptor* d) { return "{\"$ref\":\"#/components/schemas/" + d->full_name() + "\"}"; }

std::string scalar_schema(const FD* f, std::deque<const pb::Descriptor*>& todo) {
  switch (f->type()) {
    case FD::TYPE_MESSAGE:
    case FD::TYPE_GROUP: todo.push_back(f->message_type()); return ref(f->message_type());
    case FD::TYPE_ENUM: {
      std::string values;
      for (int i = 0; i < f->enum_type()->value_count(); ++i) values += (i ? "," : "") + quoted(f->enum_type()->value(i)->name());
      return "{\"type\":\"string\",\"enum\":[" + values + "]}";
    }
    case FD::TYPE_BOOL: return "{\"type\":\"boolean\"}";
    case FD::TYPE_DOUBLE:
    case FD::TYPE_FLOAT: return "{\"type\":\"number\"}";
    case FD::TYPE_INT32:
    case FD::TYPE_SINT32:
    case FD::TYPE_SFIXED32:
    case FD::TYPE_UINT32:
    case FD::TYPE_FIXED32: return "{\"type\":\"integer\"}";
    case FD::TYPE_INT64:
    case FD::TYPE_SINT64:
    case FD::TYPE_SFIXED64:
    case FD::TYPE_UINT64:
    case FD::TYPE_FIXED64: return "{\"type\":[\"integer\",\"string\"]}";
    default: return "{\"type\":\"string\"}";
  }
}

std::string object_schema(const pb::Descriptor* d, std::deque<const pb::Descriptor*>& todo) {
  std::string props;
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    std::string s = scalar_schema(f, todo);
    if (f->is_repeated()) s = "{\"type\":\"array\",\"items\":" + s + "}";
    props += (i ? "," : "") + quoted(f->json_name()) + ":" + s;
  }
  return "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{" + props + "}}";
}

std::string message_schema(const std::string& payload_ref, const std::string& query_ref) {
  std::string s = "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
                  "\"messageId\":{\"type\":\"string\",\"description\":\"default: the Idempotency-Key, else a new UUID\"},"
                  "\"correlationId\":{\"type\":\"string\"},\"source\":{\"type\":\"string\"},\"user\":{\"type\":\"string\"},"
                  "\"timestamp\":{\"type\":\"string\"},\"payload\":" + payload_ref;
  if (!query_ref.empty()) s += ",\"query\":" + query_ref;
  return s + "}}";
}

std::string verb_parameter(const char* const* verbs, std::size_t n) {
  std::string values;
  for (std::size_t i = 0; i < n; ++i) values += (i ? "," : "") + quoted(verbs[i]);
  return "[{\"name\":\"verb\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\",\"enum\":[" + values + "]}},"
         "{\"name\":\"Idempotency-Key\",\"in\":\"header\",\"required\":false,\"schema\":{\"type\":\"string\",\"maxLength\":200}}]";
}

}  // namespace

std::string openapi_of(const SchemaRegistry& registry, const std::string& system) {
  static const char* const kEventVerbs[] = {"created", "changed", "closed", "canceled", "deleted"};
  static const char* const kRequestVerbs[] = {"create", "change", "cancel", "close", "delete", "get"};
  const std::string answer = "{\"$ref\":\"#/components/schemas/Answer\"}";
  std::deque<const pb::Descriptor*> todo;
  std::string paths;
  for (const PayloadType& type : registry.payload_types()) {
    if (registry.is_query_profile(type) || registry.payload_type_for_noun(type.element) != &type) continue;
    const std::string& noun = type.element;
    todo.push_back(type.descriptor);
    std::string query_ref;
    if (const PayloadType* query = registry.query_type_for_noun(noun)) {
      todo.push_back(query->descriptor);
      query_ref = ref(query->descriptor);
    }
    const std::string body = "\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":" +
                             message_schema(ref(type.descriptor), query_ref) + "}}}";
    if (!paths.empty()) paths += ",";
    paths += quoted("/events/" + noun + "/{verb}") + ":{\"post\":{\"summary\":" + quoted("Publish a change of " + noun + " made in the system") +
             ",\"parameters\":" + verb_parameter(kEventVerbs, 5) + "," + body +
             ",\"responses\":{\"202\":{\"description\":\"published\"},\"200\":{\"description\":\"published before under this Idempotency-Key\"},"
             "\"400\":{\"description\":\"not readable\",\"content\":{\"application/json\":{\"schema\":" + answer + "}}},"
             "\"422\":{\"description\":\"invalid (IEC 61968-100 codes)\",\"content\":{\"application/json\":{\"schema\":" + answer + "}}}}}},";
    paths += quoted("/requests/" + noun + "/{verb}") + ":{\"post\":{\"summary\":" + quoted("Send a request for " + noun + " and wait for its reply") +
             ",\"parameters\":" + verb_parameter(kRequestVerbs, 6) + "," + body +
             ",\"responses\":{\"200\":{\"description\":\"OK or PARTIAL\",\"content\":{\"application/json\":{\"schema\":" + answer + "}}},"
             "\"422\":{\"description\":\"FAILED\",\"content\":{\"application/json\":{\"schema\":" + answer + "}}},"
             "\"504\":{\"description\":\"no reply in time (4.1)\",\"content\":{\"application/json\":{\"schema\":" + answer + "}}}}}},";
    const std::string result = "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"correlationId\",\"result\"],\"properties\":{"
                               "\"correlationId\":{\"type\":\"string\",\"description\":\"the request's correlationId, else its messageId\"},"
                               "\"result\":{\"type\":\"string\",\"enum\":[\"OK\",\"PARTIAL\",\"FAILED\"]},"
                               "\"errors\":{\"$ref\":\"#/components/schemas/Answer/properties/errors\"},\"payload\":" + ref(type.descriptor) + "}}";
    paths += quoted("/results/" + noun) + ":{\"post\":{\"summary\":" + quoted("The result of a " + noun + " request the system accepted with 202") +
             ",\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":" + result + "}}}" +
             ",\"responses\":{\"200\":{\"description\":\"taken: the requester gets it as the reply\"},"
             "\"400\":{\"description\":\"not readable\",\"content\":{\"application/json\":{\"schema\":" + answer + "}}},"
             "\"422\":{\"description\":\"invalid, or no request awaits it (2.15)\",\"content\":{\"application/json\":{\"schema\":" + answer + "}}}}}}";
  }
  std::string schemas =
      "\"Answer\":{\"type\":\"object\",\"properties\":{\"result\":{\"type\":\"string\",\"enum\":[\"OK\",\"PARTIAL\",\"FAILED\"]},"
      "\"errors\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\"},\"reason\":{\"type\":\"string\"}}}},"
      "\"payload\":{\"type\":\"object\"},\"correlationId\":{\"type\":\"string\"},\"messageId\":{\"type\":\"string\"},\"duplicate\":{\"type\":\"boolean\"}}}";
  std::set<std::string> done;
  while (!todo.empty()) {
    const pb::Descriptor* d = todo.front();
    todo.pop_front();
    if (!done.insert(d->full_name()).second) continue;
    schemas += "," + quoted(d->full_name()) + ":" + object_schema(d, todo);
  }
  return "{\"openapi\":\"3.1.0\",\"info\":{\"title\":" + quoted("cimbus " + system + " local JSON API") +
         ",\"version\":\"1\",\"description\":\"IEC 61968-100 clause 5.3.5: a system with a plain HTTP API publishes its changes and sends "
         "requests through its adapter.\"},\"paths\":{" + paths + "},\"components\":{\"schemas\":{" + schemas + "}}}";
}

}  // namespace cimbus::json
