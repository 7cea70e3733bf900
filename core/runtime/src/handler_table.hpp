#pragma once
// The handlers an adapter registered, by the queue a message comes from: requests and events by
// (noun, verb), replies by noun; and the (noun, verb) forwarded to a system outside the process
// (system_call.hpp). Filled before start(), read only afterwards.

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "cimbus/codec/verb.hpp"
#include "cimbus/runtime/context.hpp"
#include "cimbus/runtime/system_call.hpp"

namespace cimbus::adapter::detail {

// Which of the adapter's queues a delivery came from.
// Where a delivery came from: the system's queues, its reply queue, or the broker's queue of what
// routed nowhere (reported, never handled).
enum class Queue { requests, events, replies, unrouted };

const char* to_string(Queue queue);

struct HandlerTable {
  using Handler = std::function<void(Context&)>;
  using ByNounAndVerb = std::map<std::pair<std::string, Verb>, Handler>;

  ByNounAndVerb requests;
  ByNounAndVerb events;
  std::map<std::string, Handler> replies;  // by the noun of the request answered
  std::map<std::pair<std::string, Verb>, SystemCall> forwarded;  // requests and events


  // Throws std::invalid_argument for a verb of the wrong kind for `queue`.
  void add(Queue queue, const std::string& noun, std::optional<Verb> verb, Handler handler);
  // nullptr when nobody registered (noun, verb) for `queue` (for replies: the noun alone).
  const Handler* find(Queue queue, const std::string& noun, Verb verb) const;
  // Throws std::invalid_argument for a reply verb, or a (noun, verb) that also has a handler.
  void add_forwarded(const std::string& noun, Verb verb, SystemCall call);
  // nullptr when (noun, verb) is not forwarded.
  const SystemCall* find_forwarded(const std::string& noun, Verb verb) const;
  // Whether some request of `noun` is forwarded.
  bool forwards_noun(const std::string& noun) const;
};

}  // namespace cimbus::adapter::detail
