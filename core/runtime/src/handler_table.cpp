#include "handler_table.hpp"

#include <stdexcept>

namespace cimbus::adapter::detail {

const char* to_string(Queue q) {
  switch (q) {
    case Queue::requests: return "requests";
    case Queue::events: return "events";
    case Queue::replies: return "replies";
    case Queue::unrouted: return "unrouted";
  }
  return "?";
}

void HandlerTable::add(Queue queue, const std::string& noun, std::optional<Verb> verb, Handler handler) {
  switch (queue) {
    case Queue::requests:
      if (is_event_verb(*verb) || *verb == msg::HeaderType_Verb::reply)
        throw std::invalid_argument("on: " + to_literal(*verb) + " is not a request verb (on_event for events)");
      if (forwarded.count({noun, *verb})) throw std::invalid_argument("on: " + noun + " " + to_literal(*verb) + " is forwarded already");
      requests[{noun, *verb}] = std::move(handler);
      break;
    case Queue::events:
      if (!is_event_verb(*verb)) throw std::invalid_argument("on_event: " + to_literal(*verb) + " is not an event verb");
      events[{noun, *verb}] = std::move(handler);
      break;
    case Queue::replies:
      replies[noun] = std::move(handler);
      break;
    case Queue::unrouted:
      throw std::invalid_argument("on: what routes nowhere is reported, not handled");
  }
}

const HandlerTable::Handler* HandlerTable::find(Queue queue, const std::string& noun, Verb verb) const {
  if (queue == Queue::replies) {
    auto it = replies.find(noun);
    return it == replies.end() ? nullptr : &it->second;
  }
  const ByNounAndVerb& table = queue == Queue::events ? events : requests;
  auto it = table.find({noun, verb});
  return it == table.end() ? nullptr : &it->second;
}

void HandlerTable::add_forwarded(const std::string& noun, Verb verb, SystemCall call) {
  if (verb == msg::HeaderType_Verb::reply) throw std::invalid_argument("forward: replies are not forwarded");
  if (find(is_event_verb(verb) ? Queue::events : Queue::requests, noun, verb) != nullptr)
    throw std::invalid_argument("forward: " + noun + " " + to_literal(verb) + " has a handler already");
  forwarded[{noun, verb}] = std::move(call);
}

const SystemCall* HandlerTable::find_forwarded(const std::string& noun, Verb verb) const {
  auto it = forwarded.find({noun, verb});
  return it == forwarded.end() ? nullptr : &it->second;
}

bool HandlerTable::forwards_noun(const std::string& noun) const {
  for (const auto& [key, call] : forwarded)
    if (key.first == noun && !is_event_verb(key.second)) return true;
  return false;
}

}  // namespace cimbus::adapter::detail
