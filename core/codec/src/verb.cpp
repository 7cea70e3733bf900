#include "cimbus/codec/verb.hpp"

#include "cimbus/xml_options.pb.h"

namespace cimbus {

const std::string& to_literal(Verb verb) {
  const auto* value = msg::HeaderType_Verb::Value_descriptor()->FindValueByNumber(verb);
  return value->options().GetExtension(xml::literal);
}

std::optional<Verb> parse_verb(std::string_view literal) {
  const auto* type = msg::HeaderType_Verb::Value_descriptor();
  for (int i = 0; i < type->value_count(); ++i)
    if (type->value(i)->options().GetExtension(xml::literal) == literal)
      return static_cast<Verb>(type->value(i)->number());
  return std::nullopt;
}

std::optional<DeprecatedVerb> deprecated_verb(std::string_view literal) {
  using V = msg::HeaderType_Verb;
  static const DeprecatedVerb kDeprecated[] = {{"update", V::change}, {"updated", V::changed}, {"show", V::reply},
                                               {"subscribe", std::nullopt}, {"unsubscribe", std::nullopt}, {"publish", std::nullopt}};
  for (const DeprecatedVerb& d : kDeprecated)
    if (d.literal == literal) return d;
  return std::nullopt;
}

bool is_transaction_verb(Verb verb) {
  using V = msg::HeaderType_Verb;
  return verb == V::create || verb == V::change || verb == V::cancel || verb == V::close ||
         verb == V::delete_ || verb == V::execute;
}

bool is_event_verb(Verb verb) {
  using V = msg::HeaderType_Verb;
  return verb == V::created || verb == V::changed || verb == V::canceled || verb == V::closed ||
         verb == V::deleted || verb == V::executed;
}

std::optional<Verb> past_tense(Verb verb) {
  using V = msg::HeaderType_Verb;
  switch (verb) {
    case V::create: return V::created;
    case V::change: return V::changed;
    case V::cancel: return V::canceled;
    case V::close: return V::closed;
    case V::delete_: return V::deleted;
    case V::execute: return V::executed;
    default: return std::nullopt;
  }
}

Envelope::Archetype archetype_for(Verb verb) {
  if (verb == msg::HeaderType_Verb::reply) return Envelope::RESPONSE_MESSAGE;
  if (is_event_verb(verb)) return Envelope::EVENT_MESSAGE;
  return Envelope::REQUEST_MESSAGE;
}

}  // namespace cimbus
