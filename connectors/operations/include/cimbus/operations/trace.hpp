#pragma once
// A conversation across the systems, from the journals of their adapters (GET /journal?id= on each
// adapter's operations endpoint), as one timeline: what `cimbus trace` prints and the console's
// search shows.
//
// From the ID given (a MessageID, CorrelationID, mRID or Request ID) it follows the objects the
// conversation reaches: a message that names a followed object among its references, and whose
// own objects are of a noun not yet followed, adds its objects (a ticket's incident); what an
// object reached so names is looked for too (the incident's works, which its maintenance order
// names). Messages about other objects of a followed noun (another ticket of the same incident)
// are left out; replies come with the messages they answer.
//
//   Trace t = trace_conversation(ticket_mrid, {"http://127.0.0.1:9801", "http://127.0.0.1:9802"});
//   for (const TraceRow& r : t.rows) ...   // oldest first
//
// Threading: a free function; it makes HTTP calls, one at a time.

#include <string>
#include <vector>

namespace cimbus::operations {

struct TraceRow {
  std::string at, instance, direction, kind, noun, verb, message_id, correlation_id, result, codes, peer;
  std::vector<std::string> subjects, references;
  std::string json;  // the journal entry as its endpoint gave it
};

struct Trace {
  std::vector<TraceRow> rows;       // oldest first
  std::size_t objects = 0;          // objects followed
  std::vector<std::string> errors;  // endpoints that did not answer, with why
  std::size_t unreachable = 0;      // of the endpoints asked first
};

// `depth`: rounds of following. An endpoint that does not answer is named in errors.
Trace trace_conversation(const std::string& id, const std::vector<std::string>& endpoints, int depth = 6);

}  // namespace cimbus::operations
