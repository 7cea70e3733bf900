#include "subtree_capture.hpp"

#include <xercesc/util/XMLString.hpp>
#include <xercesc/validators/schema/SchemaSymbols.hpp>

#include "xerces_text.hpp"

namespace cimbus::detail {

namespace {

std::u16string_view prefix_of(const XMLCh* qname) {
  std::u16string_view q(reinterpret_cast<const char16_t*>(qname));
  size_t colon = q.find(u':');
  return colon == std::u16string_view::npos ? std::u16string_view() : q.substr(0, colon);
}

std::string utf8_of(std::u16string_view text) {
  std::string out;
  append_utf8(out, reinterpret_cast<const XMLCh*>(text.data()), text.size());
  return out;
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
  const std::string name = utf8_of(prefix);
  if (writer_.has_outer(name)) return;
  writer_.outer(name, i < 0 ? std::string() : utf8_of(scope_.bindings()[static_cast<std::size_t>(i)].second));
}

void SubtreeCapture::start(const XMLCh* qname, const xercesc::Attributes& attributes) {
  if (!writer_.active()) base_mark_ = scope_.element_mark();
  writer_.start(utf8(qname));
  use_prefix(prefix_of(qname));
  const auto& bindings = scope_.bindings();
  for (size_t i = scope_.element_mark(); i < bindings.size(); ++i) writer_.declaration(utf8_of(bindings[i].first), utf8_of(bindings[i].second));
  for (XMLSize_t a = 0; a < attributes.getLength(); ++a) {
    const XMLCh* name = attributes.getQName(a);
    std::u16string_view prefix = prefix_of(name);
    if (!prefix.empty()) use_prefix(prefix);
    if (is_xsi_type(attributes.getURI(a), attributes.getLocalName(a))) use_prefix(prefix_of(attributes.getValue(a)));
    writer_.attribute(utf8(name), utf8(attributes.getValue(a)));
  }
  writer_.root_written();
}

void SubtreeCapture::text(const XMLCh* chars, std::size_t length) {
  utf8_.clear();
  append_utf8(utf8_, chars, length);
  writer_.text(utf8_);
}

bool SubtreeCapture::end(const XMLCh* qname) { return writer_.end(utf8(qname)); }

}  // namespace cimbus::detail
