#include "cimbus/json/json_message.hpp"

#include <memory>
#include <stdexcept>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "cimbus/codec/payload_object.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/verb.hpp"

namespace cimbus::json {

namespace {

namespace pb = google::protobuf;
using pb::util::JsonParseOptions;
using pb::util::JsonStringToMessage;
using pb::util::MessageToJsonString;

std::unique_ptr<pb::Message> new_message(const pb::Descriptor* type) {
  return std::unique_ptr<pb::Message>(pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

// A packed payload or query object as the JSON value of its concrete type.
pb::Value value_of(const pb::Any& any) {
  auto object = unpack_object(any);
  if (!object) throw std::invalid_argument("an object of " + any.type_url() + " that cannot be unpacked");
  std::string text;
  (void)MessageToJsonString(*object, &text);
  pb::Value value;
  (void)JsonStringToMessage(text, &value);
  return value;
}

pb::Value string_value(const std::string& s) {
  pb::Value v;
  v.set_string_value(s);
  return v;
}

std::string print(const pb::Message& m) {
  std::string out;
  (void)MessageToJsonString(m, &out);
  return out;
}

void pack_from_json(const pb::Descriptor* type, const std::string& what, std::string_view json, pb::Any* into) {
  auto object = new_message(type);
  JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = JsonStringToMessage(std::string(json), object.get(), options);
  if (!status.ok()) throw std::invalid_argument(what + ": " + std::string(status.message()));
  into->PackFrom(*object);
}

}  // namespace

std::string to_json_message(const Envelope& message) {
  const msg::HeaderType& h = message.message().header();
  pb::Struct out;
  auto& f = *out.mutable_fields();
  f["verb"] = string_value(to_literal(h.verb()));
  f["noun"] = string_value(h.noun());
  if (!h.message_id().empty()) f["messageId"] = string_value(h.message_id());
  if (!h.correlation_id().empty()) f["correlationId"] = string_value(h.correlation_id());
  if (!h.source().empty()) f["source"] = string_value(h.source());
  if (!h.user().user_id().empty()) f["user"] = string_value(h.user().user_id());
  if (!h.timestamp().empty()) f["timestamp"] = string_value(h.timestamp());
  if (message.payload_objects_size() > 0) f["payload"] = value_of(message.payload_objects(0));
  if (message.request_objects_size() > 0) f["query"] = value_of(message.request_objects(0));
  return print(out);
}

void add_payload_from_json(const SchemaRegistry& registry, const std::string& noun, std::string_view json, Envelope& into) {
  const PayloadType* type = registry.payload_type_for_noun(noun);
  if (type == nullptr) throw std::invalid_argument("no schema is loaded for the noun " + noun);
  pack_from_json(type->descriptor, "payload (" + noun + ")", json, into.add_payload_objects());
}

Envelope from_json_message(const SchemaRegistry& registry, const std::string& noun, Verb verb, std::string_view json) {
  pb::Struct in;
  if (!json.empty()) {
    const auto status = JsonStringToMessage(std::string(json), &in);
    if (!status.ok()) throw std::invalid_argument("not a JSON object: " + std::string(status.message()));
  }
  Envelope out;
  out.set_archetype(is_event_verb(verb) ? Envelope::EVENT_MESSAGE : Envelope::REQUEST_MESSAGE);
  msg::HeaderType* h = out.mutable_message()->mutable_header();
  h->set_verb(verb);
  h->set_noun(noun);
  const auto& f = in.fields();
  auto text = [&f](const char* name) -> std::string {
    auto it = f.find(name);
    return it == f.end() ? std::string() : it->second.string_value();
  };
  h->set_message_id(text("messageId"));
  h->set_correlation_id(text("correlationId"));
  h->set_source(text("source"));
  if (!text("user").empty()) h->mutable_user()->set_user_id(text("user"));
  if (auto p = f.find("payload"); p != f.end()) add_payload_from_json(registry, noun, print(p->second), out);
  if (auto q = f.find("query"); q != f.end()) {
    const PayloadType* type = registry.query_type_for_noun(noun);
    if (type == nullptr) throw std::invalid_argument("no query schema (Get" + noun + ") is loaded");
    pack_from_json(type->descriptor, "query (Get" + noun + ")", print(q->second), out.add_request_objects());
  }
  for (const auto& [name, value] : f)
    if (name != "verb" && name != "noun" && name != "messageId" && name != "correlationId" && name != "source" && name != "user" &&
        name != "timestamp" && name != "payload" && name != "query")
      throw std::invalid_argument("unknown field '" + name + "'");
  return out;
}

std::string reply_to_json(const Envelope& reply) {
  pb::Struct out;
  auto& f = *out.mutable_fields();
  const auto& r = reply.message().reply();
  f["result"] = string_value(msg::ReplyType_Result_Value_Name(r.result()));
  pb::ListValue errors;
  for (const auto& e : r.error()) {
    pb::Value error;
    auto& ef = *error.mutable_struct_value()->mutable_fields();
    ef["code"] = string_value(e.code());
    if (!e.reason().empty()) ef["reason"] = string_value(e.reason());
    *errors.add_values() = error;
  }
  if (errors.values_size() > 0) *f["errors"].mutable_list_value() = errors;
  if (reply.payload_objects_size() > 0) f["payload"] = value_of(reply.payload_objects(0));
  const auto& h = reply.message().header();
  if (!h.correlation_id().empty()) f["correlationId"] = string_value(h.correlation_id());
  return print(out);
}

Envelope reply_from_json(const SchemaRegistry& registry, const std::string& noun, std::string_view json) {
  pb::Struct in;
  const auto status = JsonStringToMessage(std::string(json), &in);
  if (!status.ok()) throw std::invalid_argument("not a JSON object: " + std::string(status.message()));
  Envelope out;
  out.set_archetype(Envelope::RESPONSE_MESSAGE);
  msg::HeaderType* h = out.mutable_message()->mutable_header();
  h->set_verb(msg::HeaderType_Verb::reply);
  h->set_noun(noun);
  msg::ReplyType* r = out.mutable_message()->mutable_reply();
  for (const auto& [name, value] : in.fields()) {
    if (name == "result") {
      msg::ReplyType_Result::Value result;
      if (!msg::ReplyType_Result_Value_Parse(value.string_value(), &result))
        throw std::invalid_argument("result: '" + value.string_value() + "' is not OK, PARTIAL or FAILED");
      r->set_result(result);
    } else if (name == "errors") {
      for (const Diagnostic& d : errors_from_json(print(value))) *r->add_error() = to_error(d);
    } else if (name == "correlationId") {
      h->set_correlation_id(value.string_value());
    } else if (name == "payload") {
      add_payload_from_json(registry, noun, print(value), out);
    } else {
      throw std::invalid_argument("unknown field '" + name + "'");
    }
  }
  if (in.fields().count("result") == 0) throw std::invalid_argument("result: missing (OK, PARTIAL or FAILED)");
  return out;
}

Diagnostics errors_from_json(std::string_view json) {
  pb::Value in;
  if (!JsonStringToMessage(std::string(json), &in).ok()) return {};
  Diagnostics out;
  auto take = [&out](const pb::Value& v) {
    if (!v.has_struct_value()) return;
    const auto& f = v.struct_value().fields();
    auto code = f.find("code");
    if (code == f.end() || code->second.string_value().empty()) return;
    auto reason = f.find("reason");
    out.push_back(diagnostic(code->second.string_value(), reason == f.end() ? std::string() : reason->second.string_value()));
  };
  const pb::Value* list = &in;
  if (in.has_struct_value())
    if (auto e = in.struct_value().fields().find("errors"); e != in.struct_value().fields().end()) list = &e->second;
  if (list->has_list_value()) {
    for (const auto& v : list->list_value().values()) take(v);
  } else {
    take(*list);
  }
  return out;
}

}  // namespace cimbus::json
