#pragma once
// SubtreeCapture (subtree_capture.hpp) for the tokenizer's events: an element and its content
// as standalone XML text, written by the same FragmentWriter from the tokenizer's view of the
// namespaces in scope, so that a message decodes to the same envelope whichever decoder read it;
// the differential tests hold them to it.

#include <string>
#include <string_view>

#include "fragment_writer.hpp"
#include "xml_tokenizer.hpp"

namespace cimbus::detail {

class TokenCapture {
 public:
  bool active() const { return writer_.active(); }
  void reset() { writer_.reset(); }
  // After the tokenizer's start event.
  void start(const XmlTokenizer& t);
  void text(std::string_view text) { writer_.text(text); }
  // After the tokenizer's end event. True when the fragment's root has ended: take() gives it.
  bool end(const XmlTokenizer& t);
  std::string take() { return writer_.take(); }

 private:
  void use_prefix(const XmlTokenizer& t, std::string_view prefix);

  FragmentWriter writer_;
  std::size_t base_mark_ = 0;  // bindings below this index are declared outside the fragment
  std::string qname_;
};

}  // namespace cimbus::detail
