#pragma once
// Captures an element and its content, as SAX reports them, into standalone XML text
// (fragment_writer.hpp): the fragment root declares every namespace prefix that the fragment
// uses but does not declare itself. Comments and processing instructions are not kept.

#include <string>
#include <string_view>

#include <xercesc/sax2/Attributes.hpp>

#include "fragment_writer.hpp"
#include "namespace_scope.hpp"

namespace cimbus::detail {

class SubtreeCapture {
 public:
  explicit SubtreeCapture(const NamespaceScope& scope) : scope_(scope) {}

  bool active() const { return writer_.active(); }
  void reset() { writer_.reset(); }
  // Call after scope.open_element() for each element, with the element's qualified name.
  void start(const XMLCh* qname, const xercesc::Attributes& attributes);
  void text(const XMLCh* chars, std::size_t length);
  // Returns true when the fragment root has ended; take() then returns the fragment.
  bool end(const XMLCh* qname);
  std::string take() { return writer_.take(); }

 private:
  void use_prefix(std::u16string_view prefix);

  const NamespaceScope& scope_;
  FragmentWriter writer_;
  std::size_t base_mark_ = 0;  // bindings below this index are declared outside the fragment
  std::string utf8_;           // the text of one call, in UTF-8
};

}  // namespace cimbus::detail
