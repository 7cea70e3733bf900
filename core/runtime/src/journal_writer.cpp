#include "journal_writer.hpp"

#include "cimbus/bus/stored_form.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/verb.hpp"
#include "message_names.hpp"

namespace cimbus::adapter::detail {

namespace {

using bus::stored_property;

// What a message sent is by its Verb: a reply, an event (a past-tense verb) or a request.
std::string kind_of(const std::string& verb) {
  if (verb == "reply") return "reply";
  const std::optional<Verb> v = parse_verb(verb);
  return v && is_event_verb(*v) ? "event" : "request";
}

}  // namespace

JournalWriter::JournalWriter(const AdapterOptions& options, store::Store& store)
    : on_(!options.config.journal().off()), bodies_(options.config.journal().bodies()), instance_(options.config.instance()), store_(store) {}

void JournalWriter::taken_in(store::Transaction& tx, const TakenIn& in) {
  if (!on_) return;
  store::JournalEntry e;
  e.at_ms = in.at_ms > 0 ? in.at_ms : epoch_ms();
  e.instance = instance_;
  e.direction = "in";
  e.kind = in.kind;
  e.noun = in.noun;
  e.verb = in.verb;
  e.message_id = in.message_id;
  e.correlation_id = in.correlation_id;
  e.result = in.result;
  e.codes = in.codes;
  e.peer = in.source;
  if (in.body != nullptr) {
    MessageNames names = in.names != nullptr ? *in.names : scan_names(*in.body);
    e.subjects = std::move(names.subjects);
    e.references = std::move(names.references);
    if (!names.result.empty()) e.result += " (" + names.result + ")";
    if (e.codes.empty()) e.codes = names.codes;
    if (bodies_) e.body = *in.body;
  }
  store_.journal().add(tx, e);
}

void JournalWriter::sent(store::Transaction& tx, const std::string& target, const store::StoredMessage& message, bool dead_letter,
                         const MessageNames* read, const Answering* answering) {
  if (!on_) return;
  store::JournalEntry e;
  e.at_ms = epoch_ms();
  e.instance = instance_;
  e.direction = "out";
  e.noun = stored_property(message, "Noun");
  e.verb = stored_property(message, "Verb");
  e.kind = dead_letter ? "dead_letter" : kind_of(e.verb);
  e.message_id = message.message_id();
  e.correlation_id = message.correlation_id();
  e.peer = target;
  MessageNames names = read != nullptr ? *read : scan_names(message.body());
  if (!names.message_id.empty()) e.message_id = names.message_id;
  if (!names.correlation_id.empty()) e.correlation_id = names.correlation_id;
  if (message.body().find("FaultMessage") != std::string::npos && names.result.empty()) e.kind = dead_letter ? e.kind : "fault";
  e.subjects = std::move(names.subjects);
  e.references = std::move(names.references);
  if (answering != nullptr && !dead_letter && e.correlation_id == answering->message_id) {
    // find() reaches this row through its CorrelationID from the request's row, which indexes these.
    for (const auto* of : {&answering->names.subjects, &answering->names.references})
      e.indexed_by_request.insert(e.indexed_by_request.end(), of->begin(), of->end());
  }
  e.result = dead_letter ? "dead_letter: " + stored_property(message, "x-cimbus-reason") : names.result.empty() ? "queued" : names.result;
  e.codes = names.codes;
  if (bodies_) e.body = message.body();
  store_.journal().add(tx, e);
}

}  // namespace cimbus::adapter::detail
