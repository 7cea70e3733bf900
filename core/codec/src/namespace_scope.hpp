#pragma once
// The namespace prefixes in scope while a SAX parse walks the document.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xercesc/util/XercesDefs.hpp>

namespace cimbus::detail {

class NamespaceScope {
 public:
  using Binding = std::pair<std::u16string, std::u16string>;  // prefix ("" = default), URI

  void clear();
  // A declaration for the element about to start (SAX reports them before startElement).
  void declare(const XMLCh* prefix, const XMLCh* uri);
  void open_element();
  void close_element();

  // The URI bound to `prefix`, or nullptr when unbound (and for "" when no default is declared).
  const std::u16string* lookup(std::u16string_view prefix) const;
  // Index of the innermost binding of `prefix`, or -1.
  long find(std::u16string_view prefix) const;

  const std::vector<Binding>& bindings() const { return bindings_; }
  // Bindings declared on the current element are bindings()[element_mark()...].
  std::size_t element_mark() const { return marks_.empty() ? 0 : marks_.back(); }

 private:
  std::vector<Binding> bindings_;
  std::vector<std::size_t> marks_;
  std::size_t pending_ = 0;
};

}  // namespace cimbus::detail
