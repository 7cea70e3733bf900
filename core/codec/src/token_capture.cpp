#include "token_capture.hpp"

#include "xml_escape.hpp"

namespace cimbus::detail {

namespace {

constexpr std::string_view kSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::size_t kKeptCapacity = 1 << 20;

void append_qname(std::string& out, const XmlName& name) {
  if (!name.prefix.empty()) {
    out += name.prefix;
    out += ':';
  }
  out += name.local;
}

// Appends ` xmlns:prefix="uri"` (` xmlns="uri"` for the default namespace).
void append_declaration(std::string& out, std::string_view prefix, std::string_view uri) {
  out += prefix.empty() ? " xmlns" : " xmlns:";
  out += prefix;
  out += "=\"";
  append_escaped_attribute(out, uri);
  out += '"';
}

std::string_view prefix_of(std::string_view qname) {
  const std::size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

}  // namespace

void TokenCapture::use_prefix(const XmlTokenizer& t, std::string_view prefix) {
  if (prefix == "xml") return;  // bound by definition
  const long i = t.innermost(prefix);
  if (i >= static_cast<long>(base_mark_)) return;  // declared inside the fragment
  if (i < 0 && !prefix.empty()) return;            // unbound: the tokenizer has refused it
  if (outer_.find(prefix) != outer_.end()) return;
  outer_.emplace(std::string(prefix), i < 0 ? std::string() : t.bindings()[static_cast<std::size_t>(i)].ns);
}

void TokenCapture::close_start_tag() {
  if (!start_tag_open_) return;
  start_tag_open_ = false;
  if (depth_ > 1) buffer_ += '>';  // the root's '>' waits for the declarations it needs
}

void TokenCapture::start(const XmlTokenizer& t) {
  if (depth_ == 0) {
    base_mark_ = t.declarations_begin();
    buffer_.clear();
    outer_.clear();
  } else {
    close_start_tag();
  }
  ++depth_;
  use_prefix(t, t.element().prefix);
  buffer_ += '<';
  append_qname(buffer_, t.element());
  const auto& bindings = t.bindings();
  for (std::size_t i = t.declarations_begin(); i < bindings.size(); ++i) append_declaration(buffer_, bindings[i].prefix, bindings[i].ns);
  for (const XmlAttribute& a : t.attributes()) {
    if (!a.name.prefix.empty()) use_prefix(t, a.name.prefix);
    if (a.name.ns == kSchemaInstance && a.name.local == "type") use_prefix(t, prefix_of(a.value));
    buffer_ += ' ';
    append_qname(buffer_, a.name);
    buffer_ += "=\"";
    append_escaped_attribute(buffer_, a.value);
    buffer_ += '"';
  }
  if (depth_ == 1) root_tag_end_ = buffer_.size();
  start_tag_open_ = true;
}

void TokenCapture::text(std::string_view text) {
  close_start_tag();
  append_escaped_text(buffer_, text);
}

bool TokenCapture::end(const XmlTokenizer& t) {
  if (depth_ > 1 && start_tag_open_) {
    buffer_ += "/>";
    start_tag_open_ = false;
  } else if (depth_ > 1) {
    buffer_ += "</";
    append_qname(buffer_, t.element());
    buffer_ += '>';
  } else {
    const bool empty = buffer_.size() == root_tag_end_;
    std::string root_tail;
    for (const auto& [prefix, uri] : outer_) append_declaration(root_tail, prefix, uri);
    root_tail += empty ? "/>" : ">";
    buffer_.insert(root_tag_end_, root_tail);
    if (!empty) {
      buffer_ += "</";
      append_qname(buffer_, t.element());
      buffer_ += '>';
    }
    start_tag_open_ = false;
  }
  return --depth_ == 0;
}

std::string TokenCapture::take() {
  // A copy of exactly the fragment's size: the buffer keeps its capacity for the next message.
  std::string fragment(buffer_);
  if (buffer_.capacity() > kKeptCapacity) std::string().swap(buffer_);
  return fragment;
}

}  // namespace cimbus::detail
