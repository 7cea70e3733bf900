#include "cimbus/codec/wrapper_name.hpp"

#include <array>
#include <utility>

namespace cimbus {

namespace {

using V = msg::HeaderType_Verb;

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Past tenses first: "Create" is a prefix of "Created".
constexpr std::array<std::pair<std::string_view, V::Value>, 12> kVerbPrefixes{{
    {"Created", V::created}, {"Changed", V::changed}, {"Canceled", V::canceled},
    {"Closed", V::closed},   {"Deleted", V::deleted}, {"Executed", V::executed},
    {"Create", V::create},   {"Change", V::change},   {"Cancel", V::cancel},
    {"Close", V::close},     {"Delete", V::delete_},  {"Execute", V::execute},
}};

constexpr std::string_view kOperationSet = "OperationSet";

}  // namespace

bool is_noun_name(std::string_view text) {
  if (text.empty() || text.size() > 100 || text[0] < 'A' || text[0] > 'Z') return false;
  for (char c : text)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

std::string operation_set_noun(std::string_view header_noun) {
  if (header_noun.size() > kOperationSet.size() && header_noun.substr(header_noun.size() - kOperationSet.size()) == kOperationSet)
    header_noun.remove_suffix(kOperationSet.size());
  return std::string(header_noun);
}

std::optional<WrapperName> WrapperName::parse(std::string_view name) {
  WrapperName w;
  auto finish = [&](std::string_view noun) -> std::optional<WrapperName> {
    if (!is_noun_name(noun)) return std::nullopt;
    w.noun = std::string(noun);
    return w;
  };

  for (auto [suffix, archetype] : {std::pair{std::string_view("ResponseMessage"), Envelope::RESPONSE_MESSAGE},
                                   std::pair{std::string_view("FaultMessage"), Envelope::FAULT_MESSAGE},
                                   std::pair{std::string_view("RequestMessage"), Envelope::REQUEST_MESSAGE}}) {
    if (!ends_with(name, suffix)) continue;
    std::string_view base = name.substr(0, name.size() - suffix.size());
    w.archetype = archetype;
    if (archetype == Envelope::RESPONSE_MESSAGE) w.verb = V::reply;
    if (starts_with(base, "Get") && is_noun_name(base.substr(3))) {
      w.form = Form::get;
      if (archetype == Envelope::REQUEST_MESSAGE) w.verb = V::get;
      return finish(base.substr(3));
    }
    if (archetype == Envelope::REQUEST_MESSAGE) return std::nullopt;  // only Get<N>RequestMessage
    if (ends_with(base, kOperationSet) && base.size() > kOperationSet.size()) {
      w.form = Form::operation_set;
      return finish(base.substr(0, base.size() - kOperationSet.size()));
    }
    return finish(base);
  }

  for (auto [prefix, verb] : kVerbPrefixes) {
    if (!starts_with(name, prefix)) continue;
    std::string_view rest = name.substr(prefix.size());
    w.verb = verb;
    w.archetype = is_event_verb(verb) ? Envelope::EVENT_MESSAGE : Envelope::REQUEST_MESSAGE;
    if ((verb == V::execute || verb == V::executed) && ends_with(rest, kOperationSet) &&
        rest.size() > kOperationSet.size()) {
      w.form = Form::operation_set;
      return finish(rest.substr(0, rest.size() - kOperationSet.size()));
    }
    return finish(rest);
  }
  return std::nullopt;
}

std::string WrapperName::element_name(Envelope::Archetype archetype, Form form, std::string_view noun,
                                      std::optional<Verb> verb) {
  std::string n(noun);
  switch (form) {
    case Form::get:
      if (archetype == Envelope::REQUEST_MESSAGE) return "Get" + n + "RequestMessage";
      if (archetype == Envelope::FAULT_MESSAGE) return "Get" + n + "FaultMessage";
      return "Get" + n + "ResponseMessage";
    case Form::operation_set:
      n += kOperationSet;
      break;
    case Form::plain:
      break;
  }
  if (archetype == Envelope::RESPONSE_MESSAGE) return n + "ResponseMessage";
  if (archetype == Envelope::FAULT_MESSAGE) return n + "FaultMessage";
  if (!verb) return {};
  std::string literal = to_literal(*verb);
  literal[0] = static_cast<char>(literal[0] - 'a' + 'A');
  return literal + n;
}

bool WrapperName::namespace_fits(std::string_view ns) const {
  switch (form) {
    case Form::get: return ends_with(ns, "/Get" + noun + "Message");
    case Form::operation_set: return ends_with(ns, "/" + noun + "OperationSetMessage");
    case Form::plain: return ends_with(ns, "/" + noun + "Message");
  }
  return false;
}

}  // namespace cimbus
