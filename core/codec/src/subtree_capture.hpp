#pragma once
// Captures an element and its content, as SAX reports them, into standalone XML text: the
// fragment root declares every namespace prefix that the fragment uses but does not declare
// itself, so the text means the same wherever it is inserted. Comments and processing
// instructions are not kept.

#include <map>
#include <string>

#include <xercesc/sax2/Attributes.hpp>

#include "namespace_scope.hpp"

namespace cimbus::detail {

class SubtreeCapture {
 public:
  explicit SubtreeCapture(const NamespaceScope& scope) : scope_(scope) {}

  bool active() const { return depth_ > 0; }
  void reset() { depth_ = 0; start_tag_open_ = false; }
  // Call after scope.open_element() for each element, with the element's qualified name.
  void start(const XMLCh* qname, const xercesc::Attributes& attributes);
  void text(const XMLCh* chars, std::size_t length);
  // Returns true when the fragment root has ended; take() then returns the fragment.
  bool end(const XMLCh* qname);
  std::string take();

 private:
  void use_prefix(std::u16string_view prefix);
  void close_start_tag();

  const NamespaceScope& scope_;
  std::size_t depth_ = 0;
  static constexpr std::size_t kKeptCapacity = 1 << 20;

  std::size_t base_mark_ = 0;     // bindings below this index are declared outside the fragment
  std::string buffer_;            // the fragment so far
  std::size_t root_tag_end_ = 0;  // where the root's outer declarations and '>' go
  bool start_tag_open_ = false;
  std::map<std::u16string, std::u16string, std::less<>> outer_;  // prefixes the fragment needs from outside
};

}  // namespace cimbus::detail
