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
  explicit XmlWriter(bool indent) : indent_(indent) {}

  void declaration();
  // `declare` adds prefix bindings on this element before its name is chosen.
  void start(const std::string& ns, const std::string& local,
             const std::vector<std::pair<std::string, std::string>>& declare = {});
  void attribute(const std::string& local, std::string_view value);  // unqualified
  void text(std::string_view value);
  // A standalone element (it declares what it uses), inserted as it is.
  void raw(std::string_view fragment);
  void end();
  // How `{ns}local` is written as an xs:QName at the element about to start; adds to `declare`
  // the binding it needs, if any.
  std::string qname_value(const std::string& ns, const std::string& local,
                          std::vector<std::pair<std::string, std::string>>& declare) const;
  std::string take() { return std::move(out_); }

 private:
  const std::string* bound(const std::string& prefix) const;
  const std::string* prefix_of(const std::string& ns) const;
  void close_start_tag();
  void newline();

  struct Element {
    std::string qname;
    std::size_t scope_mark;
    bool has_children = false;
  };
  bool indent_;
  std::string out_;
  std::vector<std::pair<std::string, std::string>> scope_;  // prefix, namespace
  std::vector<Element> open_;
  bool start_tag_open_ = false;
};

}  // namespace cimbus::detail
