#include "token_capture.hpp"

namespace cimbus::detail {

namespace {

constexpr std::string_view kSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";

const std::string& qname_of(std::string& out, const XmlName& name) {
  out.assign(name.prefix);
  if (!name.prefix.empty()) out += ':';
  out += name.local;
  return out;
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
  writer_.outer(prefix, i < 0 ? std::string_view() : std::string_view(t.bindings()[static_cast<std::size_t>(i)].ns));
}

void TokenCapture::start(const XmlTokenizer& t) {
  if (!writer_.active()) base_mark_ = t.declarations_begin();
  writer_.start(qname_of(qname_, t.element()));
  use_prefix(t, t.element().prefix);
  const auto& bindings = t.bindings();
  for (std::size_t i = t.declarations_begin(); i < bindings.size(); ++i) writer_.declaration(bindings[i].prefix, bindings[i].ns);
  for (const XmlAttribute& a : t.attributes()) {
    if (!a.name.prefix.empty()) use_prefix(t, a.name.prefix);
    if (a.name.ns == kSchemaInstance && a.name.local == "type") use_prefix(t, prefix_of(a.value));
    writer_.attribute(qname_of(qname_, a.name), a.value);
  }
  writer_.root_written();
}

bool TokenCapture::end(const XmlTokenizer& t) { return writer_.end(qname_of(qname_, t.element())); }

}  // namespace cimbus::detail
