#include "messages.hpp"

#include "records.hpp"

namespace cimbus::reference {

Envelope make_message(const std::string& noun, Verb verb, const google::protobuf::Message* payload) {
  Envelope e;
  auto* h = e.mutable_message()->mutable_header();
  h->set_verb(verb);
  h->set_noun(noun);
  if (payload != nullptr) e.add_payload_objects()->PackFrom(*payload);
  return e;
}

Envelope make_get(const std::string& noun, const google::protobuf::Message* query, const std::vector<std::string>& ids) {
  Envelope e = make_message(noun, msg::HeaderType_Verb::get, nullptr);
  if (query != nullptr) e.add_request_objects()->PackFrom(*query);
  for (const auto& id : ids) e.mutable_message()->mutable_request()->add_id()->set_value(id);
  if (query == nullptr && ids.empty()) e.mutable_message()->mutable_request();
  return e;
}

std::vector<std::string> named_ids(const adapter::Context& c) {
  std::vector<std::string> out;
  for (const auto& id : c.message().message().request().id()) out.push_back(id.value());
  for (const auto& id : c.message().message().payload().id()) out.push_back(id.value());
  return out;
}

void publish(adapter::Context& c, const std::string& noun, Verb verb, const google::protobuf::Message& payload) {
  c.publish(make_message(noun, verb, &payload));
}

std::string request(adapter::Context& c, const std::string& noun, Verb verb, const google::protobuf::Message& payload) {
  return c.request(make_message(noun, verb, &payload));
}

}  // namespace cimbus::reference
