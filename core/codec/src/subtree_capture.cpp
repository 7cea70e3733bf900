#include "subtree_capture.hpp"

#include <xercesc/util/XMLString.hpp>
#include <xercesc/validators/schema/SchemaSymbols.hpp>

#include "xerces_text.hpp"
#include "xml_escape.hpp"

namespace cimbus::detail {

namespace {

std::u16string_view prefix_of(const XMLCh* qname) {
  std::u16string_view q(reinterpret_cast<const char16_t*>(qname));
  size_t colon = q.find(u':');
  return colon == std::u16string_view::npos ? std::u16string_view() : q.substr(0, colon);
}

// Appends ` xmlns:prefix="uri"` (` xmlns="uri"` for the default namespace).
void append_declaration(std::string& out, const std::u16string& prefix, const std::u16string& uri) {
  out += prefix.empty() ? " xmlns" : " xmlns:";
  append_utf8(out, reinterpret_cast<const XMLCh*>(prefix.data()), prefix.size());
  out += "=\"";
  append_utf8_escaped(out, reinterpret_cast<const XMLCh*>(uri.data()), uri.size(), EscapeContext::attribute);
  out += '"';
}

bool is_xsi_type(const XMLCh* uri, const XMLCh* local) {
  return xercesc::XMLString::equals(uri, xercesc::SchemaSymbols::fgURI_XSI) &&
         xercesc::XMLString::equals(local, xercesc::SchemaSymbols::fgXSI_TYPE);
}

}  // namespace

void SubtreeCapture::use_prefix(std::u16string_view prefix) {
  if (prefix == u"xml") return;  // bound by definition
  long i = scope_.find(prefix);
  if (i >= static_cast<long>(base_mark_)) return;  // declared inside the fragment
  if (i < 0 && !prefix.empty()) return;  // unbound: Xerces has already reported it
  if (outer_.find(prefix) != outer_.end()) return;
  outer_.emplace(std::u16string(prefix), i < 0 ? std::u16string() : scope_.bindings()[i].second);
}

void SubtreeCapture::close_start_tag() {
  if (!start_tag_open_) return;
  start_tag_open_ = false;
  if (depth_ > 1) buffer_ += '>';  // the root's '>' waits for the declarations it needs
}

void SubtreeCapture::start(const XMLCh* qname, const xercesc::Attributes& attributes) {
  if (depth_ == 0) {
    base_mark_ = scope_.element_mark();
    buffer_.clear();
    outer_.clear();
  } else {
    close_start_tag();
  }
  ++depth_;
  use_prefix(prefix_of(qname));
  buffer_ += '<';
  append_utf8(buffer_, qname);
  const auto& bindings = scope_.bindings();
  for (size_t i = scope_.element_mark(); i < bindings.size(); ++i)
    append_declaration(buffer_, bindings[i].first, bindings[i].second);
  for (XMLSize_t a = 0; a < attributes.getLength(); ++a) {
    const XMLCh* name = attributes.getQName(a);
    std::u16string_view prefix = prefix_of(name);
    if (!prefix.empty()) use_prefix(prefix);
    if (is_xsi_type(attributes.getURI(a), attributes.getLocalName(a))) use_prefix(prefix_of(attributes.getValue(a)));
    buffer_ += ' ';
    append_utf8(buffer_, name);
    buffer_ += "=\"";
    const XMLCh* value = attributes.getValue(a);
    append_utf8_escaped(buffer_, value, xercesc::XMLString::stringLen(value), EscapeContext::attribute);
    buffer_ += '"';
  }
  if (depth_ == 1) root_tag_end_ = buffer_.size();
  start_tag_open_ = true;
}

void SubtreeCapture::text(const XMLCh* chars, std::size_t length) {
  close_start_tag();
  append_utf8_escaped(buffer_, chars, length, EscapeContext::text);
}

bool SubtreeCapture::end(const XMLCh* qname) {
  if (depth_ > 1 && start_tag_open_) {
    buffer_ += "/>";
    start_tag_open_ = false;
  } else if (depth_ > 1) {
    buffer_ += "</";
    append_utf8(buffer_, qname);
    buffer_ += '>';
  } else {
    const bool empty = buffer_.size() == root_tag_end_;
    std::string root_tail;
    for (const auto& [prefix, uri] : outer_) append_declaration(root_tail, prefix, uri);
    root_tail += empty ? "/>" : ">";
    buffer_.insert(root_tag_end_, root_tail);
    if (!empty) {
      buffer_ += "</";
      append_utf8(buffer_, qname);
      buffer_ += '>';
    }
    start_tag_open_ = false;
  }
  return --depth_ == 0;
}

std::string SubtreeCapture::take() {
  // A copy of exactly the fragment's size: the buffer keeps its capacity for the next message
  // instead of growing from nothing again (unless a rare huge payload made it large).
  std::string fragment(buffer_);
  if (buffer_.capacity() > kKeptCapacity) std::string().swap(buffer_);
  return fragment;
}

}  // namespace cimbus::detail
