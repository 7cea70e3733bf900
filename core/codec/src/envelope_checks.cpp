#include "envelope_checks.hpp"

#include "cimbus/codec/compressed_payload.hpp"
#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/verb.hpp"
#include "lexical.hpp"
#include "message_namespaces.hpp"

namespace cimbus::detail {

namespace {

class Findings {
 public:
  Findings(Diagnostics& d, const std::string& root) : diagnostics_(d), root_(root) {}
  void add(std::string_view code, Level level, const std::string& reason, const std::string& child,
           const std::string& element = {}) {
    const std::string path = root_ + child;
    for (const Diagnostic& d : diagnostics_)
      if (d.code == code && d.path == path && d.is_error()) return;  // the parser said it already
    Diagnostic d;
    d.code = std::string(code);
    d.level = level;
    d.reason = reason;
    d.path = path;
    if (!element.empty()) {
      d.element_namespace = kMessageNamespace;
      d.element_name = element;
    }
    diagnostics_.push_back(std::move(d));
  }

 private:
  Diagnostics& diagnostics_;
  const std::string& root_;
};

bool verb_fits_archetype(Verb verb, Envelope::Archetype archetype) {
  switch (archetype) {
    case Envelope::REQUEST_MESSAGE: return is_transaction_verb(verb) || verb == msg::HeaderType_Verb::get;
    case Envelope::RESPONSE_MESSAGE: return verb == msg::HeaderType_Verb::reply;
    case Envelope::EVENT_MESSAGE: return is_event_verb(verb);
    default: return true;
  }
}

}  // namespace

void check_envelope(DecodeResult& result, const ParseFacts& facts, ValidationPolicy policy, const DecodeLimits& limits) {
  Findings findings(result.diagnostics, facts.root_path);
  const Envelope& envelope = result.envelope;
  const msg::MessageType& m = envelope.message();
  // Contradictions are errors in strict mode and warnings otherwise (real traffic has them).
  const Level contradiction = policy == ValidationPolicy::strict ? Level::fatal : Level::warning;
  const std::string root_name = facts.root_path.substr(1);

  if (envelope.archetype() == Envelope::FAULT_MESSAGE) {
    // With validation on, Xerces has reported these already, with its own wording.
    if (policy == ValidationPolicy::off) {
      if (!m.has_reply()) findings.add(code::kSchemaInvalid, Level::fatal, "a FaultMessage needs a Reply", "/Reply");
      if (m.has_header()) findings.add(code::kSchemaInvalid, Level::fatal, "a FaultMessage has no Header", "/Header");
    }
  } else if (!m.has_header()) {
    findings.add(code::kHeaderElementsMissing, Level::fatal, "the Header is missing", "/Header", "Header");
  } else {
    const msg::HeaderType& h = m.header();
    if (!facts.saw_verb)
      findings.add(code::kHeaderElementsMissing, Level::fatal, "Header/Verb is missing", "/Header/Verb", "Verb");
    if (!facts.saw_noun)
      findings.add(code::kHeaderElementsMissing, Level::fatal, "Header/Noun is missing", "/Header/Noun", "Noun");
    else if (collapse_edges(h.noun()).empty())
      findings.add(code::kInvalidNoun, Level::fatal, "Header/Noun is empty", "/Header/Noun", "Noun");

    if (h.has_verb()) {
      const std::string& verb = to_literal(h.verb());
      if (facts.wrapper && facts.wrapper->verb && *facts.wrapper->verb != h.verb()) {
        findings.add(code::kInvalidVerb, contradiction,
                     "Header/Verb '" + verb + "' contradicts " + root_name + ", which means '" +
                         to_literal(*facts.wrapper->verb) + "'",
                     "/Header/Verb", "Verb");
      } else if (!facts.wrapper && !verb_fits_archetype(h.verb(), envelope.archetype())) {
        findings.add(code::kInvalidVerb, contradiction, "Header/Verb '" + verb + "' is not a verb of a " + root_name,
                     "/Header/Verb", "Verb");
      }
    }
    if (facts.wrapper && facts.saw_noun) {
      const std::string noun(collapse_edges(h.noun()));
      const std::string& expected = facts.wrapper->noun;
      bool same = noun == expected ||
                  (facts.wrapper->form == WrapperName::Form::operation_set && noun == expected + "OperationSet");
      if (!same && is_noun_name(noun)) {
        findings.add(code::kInvalidNoun, contradiction,
                     "Header/Noun '" + noun + "' contradicts " + root_name + ", whose noun is " + expected,
                     "/Header/Noun", "Noun");
      } else if (!same && !noun.empty()) {
        findings.add(code::kInvalidNoun, Level::warning,
                     "Header/Noun '" + noun + "' is not a noun; read as " + expected + " from " + root_name,
                     "/Header/Noun", "Noun");
      }
    }
  }

  if (m.has_payload() && m.payload().has_compressed()) {
    DecompressedPayload payload = decompress_payload(m.payload().compressed(), limits.max_decompressed_bytes);
    if (payload.too_large) {
      findings.add(code::kTooManyItems, Level::fatal,
                   "Payload/Compressed inflates to more than " + std::to_string(limits.max_decompressed_bytes) + " bytes",
                   "/Payload/Compressed", "Compressed");
    } else if (!payload.error.empty()) {
      findings.add(code::kSchemaInvalid, Level::fatal, "Payload/Compressed: " + payload.error, "/Payload/Compressed",
                   "Compressed");
    } else {
      result.decompressed_payload = std::move(payload.content);
    }
  }
}

}  // namespace cimbus::detail
