#include "xml_writer.hpp"

#include "xml_escape.hpp"

namespace cimbus::detail {

const std::string* XmlWriter::bound(const std::string& prefix) const {
  for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
    if (it->first == prefix) return &it->second;
  return nullptr;
}

const std::string* XmlWriter::prefix_of(const std::string& ns) const {
  for (auto it = scope_.rbegin(); it != scope_.rend(); ++it) {
    if (it->second != ns || it->first.empty()) continue;
    if (bound(it->first) == &it->second) return &it->first;  // not shadowed
  }
  return nullptr;
}

void XmlWriter::declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"; if (indent_) out_ += '\n'; }

void XmlWriter::newline() {
  if (!indent_) return;
  if (!out_.empty() && out_.back() != '\n') out_ += '\n';
  out_.append(2 * open_.size(), ' ');
}

void XmlWriter::close_start_tag() {
  if (!start_tag_open_) return;
  out_ += '>';
  start_tag_open_ = false;
}

void XmlWriter::start(const std::string& ns, const std::string& local,
                      const std::vector<std::pair<std::string, std::string>>& declare) {
  close_start_tag();
  if (!open_.empty()) open_.back().has_children = true;
  newline();
  Element element{{}, scope_.size()};
  std::vector<std::pair<std::string, std::string>> declarations = declare;
  for (const auto& d : declare) scope_.push_back(d);
  const std::string* default_ns = bound("");
  std::string current_default = default_ns == nullptr ? std::string() : *default_ns;
  if (current_default == ns) {
    element.qname = local;
  } else if (const std::string* prefix = ns.empty() ? nullptr : prefix_of(ns)) {
    element.qname = *prefix + ":" + local;
  } else {
    declarations.emplace_back("", ns);  // make it the default namespace from here down
    scope_.emplace_back("", ns);
    element.qname = local;
  }
  out_ += '<';
  out_ += element.qname;
  for (const auto& [prefix, uri] : declarations) {
    out_ += prefix.empty() ? " xmlns" : " xmlns:";
    out_ += prefix;
    out_ += "=\"";
    append_escaped_attribute(out_, uri);
    out_ += '"';
  }
  open_.push_back(std::move(element));
  start_tag_open_ = true;
}

void XmlWriter::attribute(const std::string& local, std::string_view value) {
  out_ += ' ';
  out_ += local;
  out_ += "=\"";
  append_escaped_attribute(out_, value);
  out_ += '"';
}

void XmlWriter::text(std::string_view value) {
  close_start_tag();
  append_escaped_text(out_, value);
}

void XmlWriter::raw(std::string_view fragment) {
  close_start_tag();
  if (!open_.empty()) open_.back().has_children = true;
  newline();
  out_ += fragment;
}

void XmlWriter::end() {
  Element element = std::move(open_.back());
  open_.pop_back();
  if (start_tag_open_) {
    out_ += "/>";
    start_tag_open_ = false;
  } else {
    if (element.has_children) newline();
    out_ += "</";
    out_ += element.qname;
    out_ += '>';
  }
  scope_.resize(element.scope_mark);
  if (open_.empty() && indent_) out_ += '\n';
}

std::string XmlWriter::qname_value(const std::string& ns, const std::string& local,
                                   std::vector<std::pair<std::string, std::string>>& declare) const {
  const std::string* default_ns = bound("");
  if (ns.empty() || (default_ns != nullptr && *default_ns == ns)) return local;
  if (const std::string* prefix = prefix_of(ns)) return *prefix + ":" + local;
  declare.emplace_back("q", ns);
  return "q:" + local;
}

}  // namespace cimbus::detail
