#pragma once
// Writes namespace-well-formed XML: elements by (namespace, local name), the writer choosing
// prefixes, escaping text and refusing characters that XML 1.0 cannot carry.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cimbus::detail {

class XmlWriter {
 public:
  using Bindings = std::vector<std::pair<std::string, std::string>>;  // prefix, namespace

  explicit XmlWriter(bool indent, std::size_t expected_bytes = 0) : indent_(indent) { out_.reserve(expected_bytes); }

  void declaration();
  // `declare` adds prefix bindings on this element before its name is chosen. `local` is not
  // copied: it must outlive the element's end() (the encoder's names live in its TypeMaps).
  void start(const std::string& ns, std::string_view local, const Bindings* declare = nullptr);
  void attribute(const std::string& local, std::string_view value);  // unqualified
  void text(std::string_view value);
  // A standalone element (it declares what it uses), inserted as it is.
  void raw(std::string_view fragment);
  void end();
  // How `{ns}local` is written as an xs:QName at the element about to start; adds to `declare`
  // the binding it needs, if any.
  std::string qname_value(const std::string& ns, const std::string& local,
                          Bindings& declare) const;
  std::string take() { return std::move(out_); }

 private:
  const std::string* bound(const std::string& prefix) const;
  const std::string* prefix_of(const std::string& ns) const;
  void close_start_tag();
  void newline();

  struct Element {
    std::string prefix;  // "" when in the default namespace
    std::string_view local;
    std::size_t scope_mark;
    bool has_children = false;
  };
  void write_qname(const Element& element);
  void scope_changed() { ++scope_generation_; }
  bool indent_;
  std::string out_;
  Bindings scope_;
  // The last namespace start() resolved without declaring, by address, while the scope is
  // unchanged: siblings and children of one namespace skip the scope walk. (A namespace string
  // freed and another made at its address would need a scope change in between to be seen: the
  // encoder's namespaces live in its TypeMaps, or across an element that declares.)
  std::size_t scope_generation_ = 0;
  const std::string* resolved_ns_ = nullptr;
  std::size_t resolved_generation_ = ~std::size_t{0};
  std::string resolved_prefix_;
  std::vector<Element> open_;
  bool start_tag_open_ = false;
};

}  // namespace cimbus::detail
