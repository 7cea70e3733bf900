#include "cimbus/bus/stored_form.hpp"

namespace cimbus::bus {

IdType from_stored(store::IdType stored) {
  switch (stored) {
    case store::UUID: return IdType::uuid;
    case store::BINARY: return IdType::binary;
    case store::ULONG: return IdType::ulong;
    default: return IdType::string;
  }
}

store::IdType to_stored(IdType type) {
  switch (type) {
    case IdType::uuid: return store::UUID;
    case IdType::binary: return store::BINARY;
    case IdType::ulong: return store::ULONG;
    case IdType::string: break;
  }
  return store::STRING;
}

store::StoredMessage to_stored(const AmqpMessage& m) {
  store::StoredMessage s;
  s.set_body(m.body);
  s.set_message_id(m.message_id);
  s.set_correlation_id(m.correlation_id);
  s.set_message_id_type(to_stored(m.message_id_type));
  s.set_correlation_id_type(to_stored(m.correlation_id_type));
  s.set_reply_to(m.reply_to);
  s.set_subject(m.subject);
  s.set_content_type(m.content_type);
  s.set_to(m.to);
  s.set_durable(m.durable);
  if (m.ttl) s.set_ttl_ms(m.ttl->count());
  for (const auto& [key, value] : m.properties) (*s.mutable_properties())[key] = value;
  return s;
}

const std::string& stored_property(const store::StoredMessage& stored, const std::string& name) {
  static const std::string none;
  auto it = stored.properties().find(name);
  return it == stored.properties().end() ? none : it->second;
}

AmqpMessage from_stored(store::StoredMessage s) {
  AmqpMessage m;
  m.body = std::move(*s.mutable_body());
  m.message_id = s.message_id();
  m.correlation_id = s.correlation_id();
  m.message_id_type = from_stored(s.message_id_type());
  m.correlation_id_type = from_stored(s.correlation_id_type());
  m.reply_to = s.reply_to();
  m.subject = s.subject();
  m.content_type = s.content_type();
  m.to = s.to();
  m.durable = s.durable();
  if (s.ttl_ms() > 0) m.ttl = std::chrono::milliseconds(s.ttl_ms());
  for (const auto& [key, value] : s.properties()) m.properties[key] = value;
  return m;
}

}  // namespace cimbus::bus
