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

void XmlWriter::write_qname(const Element& element) {
  if (!element.prefix.empty()) {
    out_ += element.prefix;
    out_ += ':';
  }
  out_ += element.local;
}

void XmlWriter::start(const std::string& ns, std::string_view local, const Bindings* declare) {
  close_start_tag();
  if (!open_.empty()) open_.back().has_children = true;
  newline();
  Element element{{}, local, scope_.size()};
  if (declare != nullptr && !declare->empty()) {
    scope_.insert(scope_.end(), declare->begin(), declare->end());
    scope_changed();
  }
  bool declare_default = false;
  if (&ns == resolved_ns_ && scope_generation_ == resolved_generation_) {
    element.prefix = resolved_prefix_;
  } else {
    const std::string* default_ns = bound("");
    if (default_ns == nullptr ? ns.empty() : *default_ns == ns) {
      // in the default namespace
    } else if (const std::string* prefix = ns.empty() ? nullptr : prefix_of(ns)) {
      element.prefix = *prefix;
    } else {
      declare_default = true;  // make it the default namespace from here down
      scope_.emplace_back("", ns);
      scope_changed();
    }
    resolved_ns_ = &ns;
    resolved_generation_ = scope_generation_;
    resolved_prefix_ = element.prefix;
  }
  out_ += '<';
  write_qname(element);
  auto write_binding = [this](const std::string& prefix, const std::string& uri) {
    out_ += prefix.empty() ? " xmlns" : " xmlns:";
    out_ += prefix;
    out_ += "=\"";
    append_escaped_attribute(out_, uri);
    out_ += '"';
  };
  if (declare != nullptr)
    for (const auto& [prefix, uri] : *declare) write_binding(prefix, uri);
  if (declare_default) write_binding("", ns);
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
    write_qname(element);
    out_ += '>';
  }
  if (scope_.size() != element.scope_mark) {
    scope_.resize(element.scope_mark);
    scope_changed();
  }
  if (open_.empty() && indent_) out_ += '\n';
}

std::string XmlWriter::qname_value(const std::string& ns, const std::string& local, Bindings& declare) const {
  const std::string* default_ns = bound("");
  if (ns.empty() || (default_ns != nullptr && *default_ns == ns)) return local;
  if (const std::string* prefix = prefix_of(ns)) return *prefix + ":" + local;
  declare.emplace_back("q", ns);
  return "q:" + local;
}

}  // namespace cimbus::detail
