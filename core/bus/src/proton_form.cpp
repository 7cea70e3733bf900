#include "proton_form.hpp"

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <string_view>

#include <proton/codec/decoder.hpp>
#include <proton/message_id.hpp>
#include <proton/binary.hpp>
#include <proton/scalar.hpp>
#include <proton/uuid.hpp>
#include <proton/ssl.hpp>

namespace cimbus::bus {

namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 0xf];
  }
  return out;
}

// The bytes of hex text ("" read as nothing); nullopt when it is not hex.
std::optional<std::string> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int high = digit(text[i]), low = digit(text[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
  }
  return out;
}

// An id as cimbus keeps it: its text form and its AMQP type (amqp_message.hpp).
void read_id(const proton::message_id& id, std::string& text, IdType& type) {
  type = IdType::string;
  switch (id.type()) {
    case proton::NULL_TYPE: text.clear(); return;
    case proton::STRING: text = proton::get<std::string>(id); return;
    case proton::UUID: {
      text = proton::get<proton::uuid>(id).str();
      type = IdType::uuid;
      return;
    }
    case proton::BINARY: {
      const proton::binary bytes = proton::get<proton::binary>(id);
      text = hex(bytes.data(), bytes.size());
      type = IdType::binary;
      return;
    }
    case proton::ULONG: {
      text = std::to_string(proton::get<std::uint64_t>(id));
      type = IdType::ulong;
      return;
    }
    default: text = proton::to_string(id); return;  // not an AMQP id type: kept as text
  }
}

// The id of `text` and `type` as AMQP carries it; a text that is not of its type (a damaged
// store row) is sent as a string rather than not at all.
proton::message_id write_id(const std::string& text, IdType type) {
  switch (type) {
    case IdType::uuid: {
      std::string digits;
      for (char c : text)
        if (c != '-') digits += c;
      const auto bytes = unhex(digits);
      if (bytes && bytes->size() == 16) return proton::uuid::copy(bytes->data());
      break;
    }
    case IdType::binary:
      if (const auto bytes = unhex(text)) return proton::binary(*bytes);
      break;
    case IdType::ulong: {
      char* end = nullptr;
      errno = 0;
      const unsigned long long number = std::strtoull(text.c_str(), &end, 10);
      if (!text.empty() && text.front() != '-' && errno == 0 && end != nullptr && *end == '\0') return std::uint64_t{number};
      break;
    }
    case IdType::string: break;
  }
  return text;
}

// A value that is not text, as text for logs and the dead-letter queue. Proton decodes compound
// values (lists, arrays, maps) lazily, so a malformed one throws only here ("no more data").
std::string value_text(const proton::value& v) {
  try {
    return proton::to_string(v);
  } catch (const std::exception& e) {
    return std::string("(malformed ") + proton::type_name(v.type()) + ": " + e.what() + ")";
  }
}

}  // namespace

proton::message to_proton(const AmqpMessage& m) {
  proton::message p;
  p.body(m.body);
  if (!m.message_id.empty()) p.id(write_id(m.message_id, m.message_id_type));
  if (!m.correlation_id.empty()) p.correlation_id(write_id(m.correlation_id, m.correlation_id_type));
  if (!m.reply_to.empty()) p.reply_to(m.reply_to);
  if (!m.subject.empty()) p.subject(m.subject);
  if (!m.to.empty()) p.to(m.to);
  p.content_type(m.content_type);
  p.durable(m.durable);
  if (m.ttl) p.ttl(proton::duration(m.ttl->count()));
  for (const auto& [key, value] : m.properties) p.properties().put(key, value);
  return p;
}

namespace {

// application-properties as strings; what is not a simple value is noted in m.unreadable (AMQP
// allows only simple values there, but peers send lists and maps, and keys that are no strings).
// Read from the section's value, pair by pair as they come: Proton's property_map (string ->
// scalar) throws on the first list at any use, even empty(), and a std::map of proton::values
// compares and copies values a few thousand instructions each.
void read_properties(const proton::message& p, AmqpMessage& m) {
  try {
    const proton::value section = p.properties().value();
    if (section.empty()) return;
    proton::codec::decoder d(section);
    proton::codec::start map;
    d >> map;
    if (map.type != proton::MAP) throw proton::conversion_error("a " + proton::type_name(map.type) + ", not a map");
    for (std::size_t pair = 0; pair < map.size / 2; ++pair) {
      if (d.next_type() != proton::STRING) {
        proton::value key, value;
        d >> key >> value;
        m.unreadable = "an application property's name is a " + proton::type_name(key.type()) + ", not a string";
        continue;
      }
      std::string name;
      d >> name;
      if (d.next_type() == proton::STRING) {
        d >> m.properties[name];
        continue;
      }
      proton::value value;
      d >> value;
      m.properties[name] = value_text(value);
      if (!proton::type_id_is_scalar(value.type()) && !proton::type_id_is_null(value.type()))
        m.unreadable = "the application property '" + name + "' is a " + proton::type_name(value.type()) + "; AMQP allows only simple values";
    }
    d >> proton::codec::finish();
  } catch (const std::exception& e) {
    m.unreadable = std::string("the application-properties cannot be read: ") + e.what();
  }
}

}  // namespace

AmqpMessage from_proton(const proton::message& p) {
  AmqpMessage m;
  const proton::value& body = p.body();
  if (body.type() == proton::STRING) m.body = proton::get<std::string>(body);
  else if (body.type() == proton::BINARY) m.body = std::string(proton::get<proton::binary>(body));
  else if (!body.empty()) {
    m.body = value_text(body);
    m.unreadable = "the body is an AMQP " + proton::type_name(body.type()) + ", not the XML document as text or binary";
  }
  read_id(p.id(), m.message_id, m.message_id_type);
  read_id(p.correlation_id(), m.correlation_id, m.correlation_id_type);
  m.reply_to = p.reply_to();
  m.subject = p.subject();
  m.content_type = p.content_type();
  m.to = p.to();
  m.durable = p.durable();
  m.delivery_count = p.delivery_count();
  m.first_acquirer = p.first_acquirer() && p.delivery_count() == 0;
  read_properties(p, m);
  return m;
}

proton::connection_options connection_options(const ConnectionOptions& o) {
  proton::connection_options c;
  if (!o.user.empty()) c.user(o.user);
  if (!o.password.empty()) c.password(o.password);
  c.sasl_enabled(true);
  c.sasl_allowed_mechs(o.sasl_mechanisms);
  c.sasl_allow_insecure_mechs(o.allow_plain_without_tls);
  c.idle_timeout(proton::duration(o.idle_timeout.count()));
  if (!o.virtual_host.empty()) c.virtual_host(o.virtual_host);
  if (o.tls.enabled || o.urls.at(0).rfind("amqps://", 0) == 0) {
    const auto verify = o.tls.verify == TlsVerify::name    ? proton::ssl::VERIFY_PEER_NAME
                        : o.tls.verify == TlsVerify::chain ? proton::ssl::VERIFY_PEER
                                                           : proton::ssl::ANONYMOUS_PEER;
    if (!o.tls.certificate_file.empty())  // a client certificate, e.g. for SASL EXTERNAL
      c.ssl_client_options(proton::ssl_client_options(proton::ssl_certificate(o.tls.certificate_file, o.tls.key_file),
                                                      o.tls.ca_file, verify));
    else if (!o.tls.ca_file.empty())
      c.ssl_client_options(proton::ssl_client_options(o.tls.ca_file, verify));
    else
      c.ssl_client_options(proton::ssl_client_options(verify));
  }
  return c;
}

}  // namespace cimbus::bus
