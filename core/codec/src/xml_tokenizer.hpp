#pragma once
// A pull tokenizer for untrusted XML 1.0 in UTF-8, with namespaces: the ground floor of the
// decoder's fast path (decisions/0034, 0035: a validator compiled from the schemas, Xerces-C as
// its reference). It checks well-formedness as it goes and stops at the first fault, with the byte
// offset and a reason; nothing is transcoded, and names and most text are views of the input.
//
//   XmlTokenizer t(xml, limits);
//   for (XmlTokenizer::Event e; (e = t.next()) != XmlTokenizer::Event::done;) {
//     if (e == XmlTokenizer::Event::start) use(t.element().ns, t.element().local, t.attributes());
//     if (e == XmlTokenizer::Event::text) use(t.text());   // entity and character references decoded
//     if (e == XmlTokenizer::Event::fault) refuse(t.fault(), t.fault_offset(), t.fault_kind());
//   }
//
// What it refuses, as Xerces-C set up by HardenedReader does: a DOCTYPE (no DTD, so no entity
// other than the five predefined ones), characters XML 1.0 cannot
// carry, malformed UTF-8, unbound or misused prefixes, an attribute twice (by name or by expanded
// name), and documents beyond the DecodeLimits (depth, elements). Another encoding, or an XML
// declaration other than the plain one, it leaves to Xerces-C (Fault::unsupported). Text between two tags comes as
// one event, with CDATA sections, references and line ends (CR LF and CR as LF) resolved; comments
// and processing instructions are checked and skipped.
//
// Threading: an object per document, used by one thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "cimbus/codec/decode_limits.hpp"

namespace cimbus::detail {

struct XmlName {
  std::string_view prefix;  // "" when none
  std::string_view local;
  std::string_view ns;      // the namespace the prefix (or the default) is bound to; "" for none
};

struct XmlAttribute {
  XmlName name;
  std::string_view value;  // normalized: references resolved, white space as spaces
};

class XmlTokenizer {
 public:
  enum class Event { start, end, text, done, fault };
  // unsupported: what this reader leaves to Xerces-C, the reference, to decide: an encoding other
  // than UTF-8, an XML declaration it does not read exactly.
  enum class Fault { none, malformed, doctype, unsupported, limit };

  XmlTokenizer(std::string_view document, const DecodeLimits& limits);

  Event next();

  // After start and end: the element. After start: its attributes, namespace declarations left out.
  const XmlName& element() const { return element_; }
  const std::vector<XmlAttribute>& attributes() const { return attributes_; }
  // Elements open, the current one included after start.
  std::size_t depth() const { return open_.size(); }
  // The byte where the last start or end tag began, and the byte after the last event: an
  // element's bytes are [tag_begin() at its start, end() at its end).
  std::size_t tag_begin() const { return tag_begin_; }
  std::size_t end() const { return pos_; }
  // After text.
  std::string_view text() const { return text_; }

  // Namespace declarations in scope, outermost first; bindings()[0] binds the prefix xml. After
  // start, the current element's own declarations, in the order written, are those from
  // declarations_begin() on. A prefix bound to "" (xmlns="") undeclares the default.
  struct Binding {
    std::string prefix;  // "" for the default namespace
    std::string ns;
  };
  const std::deque<Binding>& bindings() const { return bindings_; }
  std::size_t declarations_begin() const { return open_.empty() ? bindings_.size() : open_.back().bindings_mark; }
  // The innermost binding of `prefix`, as an index into bindings(); -1 when it is not bound.
  long innermost(std::string_view prefix) const;
  // After fault.
  Fault fault_kind() const { return fault_kind_; }
  const std::string& fault() const { return fault_; }
  std::size_t fault_offset() const { return fault_offset_; }

 private:
  struct Open {
    std::string_view qname;
    std::size_t bindings_mark;
    XmlName name;  // as resolved at the start tag: the end tag names it again
  };

  Event fail(Fault kind, std::size_t at, std::string reason);
  bool prolog();
  bool xml_declaration();
  bool skip_misc(bool in_content);  // comments and PIs; white space too outside the root
  bool comment();
  bool processing_instruction();
  Event start_tag();
  Event end_tag();
  Event character_data();
  bool reference(std::string& out);
  bool attribute_value(std::string& out);
  bool name(std::string_view& out);
  bool resolve(std::string_view qname, bool is_attribute, XmlName& out);
  const std::string* bound(std::string_view prefix) const;
  bool check_chars(std::string_view text, std::size_t at);
  bool at_end() const { return pos_ >= doc_.size(); }
  bool starts_with(std::string_view s) const { return doc_.compare(pos_, s.size(), s) == 0; }
  void skip_space();

  std::string_view doc_;
  DecodeLimits limits_;
  std::size_t pos_ = 0;
  bool started_ = false;     // the prolog was read
  bool root_closed_ = false;
  bool pending_end_ = false;  // an empty-element tag: its end comes as the next event
  std::size_t elements_ = 0;
  std::size_t tag_begin_ = 0;

  XmlName element_;
  std::vector<XmlAttribute> attributes_;
  std::vector<std::string> attribute_values_;  // storage behind attributes_' values
  std::vector<std::string_view> attribute_qnames_;
  std::string text_buffer_;
  std::string_view text_;
  std::deque<Binding> bindings_;  // a deque: views of earlier bindings stay valid as it grows
  std::uint64_t bindings_version_ = 0;  // changes whenever a binding comes or goes
  mutable std::uint64_t last_bound_version_ = ~std::uint64_t{0};  // bound()'s last answer
  mutable std::string_view last_bound_prefix_;
  mutable const std::string* last_bound_ = nullptr;
  static constexpr std::size_t kNone = ~std::size_t{0};
  std::size_t unbind_to_ = kNone;  // bindings_ size to return to at the next call
  std::vector<Open> open_;

  Fault fault_kind_ = Fault::none;
  std::string fault_;
  std::size_t fault_offset_ = 0;
};

}  // namespace cimbus::detail
