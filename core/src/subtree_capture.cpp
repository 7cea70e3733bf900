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
  std::string value;
  append_utf8(value, reinterpret_cast<const XMLCh*>(uri.data()), uri.size());
  append_escaped_attribute(out, value);
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
  std::u16string uri = i < 0 ? std::u16string() : scope_.bindings()[i].second;
  if (i < 0 && !prefix.empty()) return;  // unbound: Xerces has already reported it
  outer_.emplace(std::u16string(prefix), uri);
}

void SubtreeCapture::close_start_tag() {
  if (!start_tag_open_) return;
  start_tag_open_ = false;
  if (depth_ > 1) body_ += '>';
}

void SubtreeCapture::start(const XMLCh* uri, const XMLCh* qname, const xercesc::Attributes& attributes) {
  (void)uri;
  if (depth_ == 0) {
    base_mark_ = scope_.element_mark();
    root_start_.clear();
    body_.clear();
    outer_.clear();
  } else {
    close_start_tag();
  }
  ++depth_;
  std::string& out = depth_ == 1 ? root_start_ : body_;
  use_prefix(prefix_of(qname));
  out += '<';
  out += utf8(qname);
  const auto& bindings = scope_.bindings();
  for (size_t i = scope_.element_mark(); i < bindings.size(); ++i)
    append_declaration(out, bindings[i].first, bindings[i].second);
  for (XMLSize_t a = 0; a < attributes.getLength(); ++a) {
    const XMLCh* name = attributes.getQName(a);
    std::u16string_view prefix = prefix_of(name);
    if (!prefix.empty()) use_prefix(prefix);
    if (is_xsi_type(attributes.getURI(a), attributes.getLocalName(a))) use_prefix(prefix_of(attributes.getValue(a)));
    out += ' ';
    out += utf8(name);
    out += "=\"";
    append_escaped_attribute(out, utf8(attributes.getValue(a)));
    out += '"';
  }
  start_tag_open_ = true;
}

void SubtreeCapture::text(const XMLCh* chars, std::size_t length) {
  close_start_tag();
  std::string value;
  append_utf8(value, chars, length);
  append_escaped_text(body_, value);
}

bool SubtreeCapture::end(const XMLCh* qname) {
  if (depth_ > 1) {
    if (start_tag_open_) {
      body_ += "/>";
      start_tag_open_ = false;
    } else {
      body_ += "</";
      body_ += utf8(qname);
      body_ += '>';
    }
  } else {
    for (const auto& [prefix, uri] : outer_) append_declaration(root_start_, prefix, uri);
    if (body_.empty()) {
      root_start_ += "/>";
    } else {
      root_start_ += '>';
      root_start_ += body_;
      root_start_ += "</";
      root_start_ += utf8(qname);
      root_start_ += '>';
    }
    start_tag_open_ = false;
  }
  return --depth_ == 0;
}

std::string SubtreeCapture::take() {
  body_.clear();
  return std::move(root_start_);
}

}  // namespace cimbus::detail
