#include "xml_tokenizer.hpp"

#include <algorithm>

#include "xml_escape.hpp"

namespace cimbus::detail {

namespace {

constexpr std::string_view kXmlNamespace = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view kXmlnsNamespace = "http://www.w3.org/2000/xmlns/";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// XML 1.0 (fifth edition) NameStartChar and NameChar; ':' is handled by the caller.
constexpr bool is_name_start(char32_t c) {
  return (c >= 'A' && c <= 'Z') || c == '_' || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) ||
         (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) || (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) ||
         (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) ||
         (c >= 0xF900 && c <= 0xFDCF) || (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

constexpr bool is_name_char(char32_t c) {
  return is_name_start(c) || c == '-' || c == '.' || (c >= '0' && c <= '9') || c == 0xB7 || (c >= 0x300 && c <= 0x36F) ||
         (c >= 0x203F && c <= 0x2040);
}

// The ASCII part of both, as a table: most names are ASCII, and the ranges above cost a dozen
// comparisons a character. 1: NameChar, 2: NameStartChar as well.
// 3: a byte the table does not decide (':' and every byte of a non-ASCII character).
struct AsciiNames {
  unsigned char kind[256] = {};
  constexpr AsciiNames() {
    for (int c = 0; c < 256; ++c)
      kind[c] = c >= 128 || c == ':' ? 3 : is_name_start(static_cast<char32_t>(c)) ? 2 : is_name_char(static_cast<char32_t>(c)) ? 1 : 0;
  }
};
constexpr AsciiNames kAsciiNames;

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Appends `raw` with its line ends normalized: CR LF and a lone CR become LF.
void append_lines(std::string& out, std::string_view raw) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\r') {
      out += raw[i];
      continue;
    }
    out += '\n';
    if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
  }
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
         });
}

}  // namespace

XmlTokenizer::XmlTokenizer(std::string_view document, const DecodeLimits& limits) : doc_(document), limits_(limits) {
  bindings_.push_back({"xml", std::string(kXmlNamespace)});
}

XmlTokenizer::Event XmlTokenizer::fail(Fault kind, std::size_t at, std::string reason) {
  if (fault_kind_ == Fault::none) {
    fault_kind_ = kind;
    fault_offset_ = at;
    fault_ = std::move(reason);
  }
  return Event::fault;
}

bool XmlTokenizer::check_chars(std::string_view text, std::size_t at) {
  std::size_t where = 0;
  if (is_xml_text(text, &where)) return true;
  fail(Fault::malformed, at + where, "a byte that is not UTF-8, or a character XML 1.0 cannot carry");
  return false;
}

void XmlTokenizer::skip_space() {
  while (!at_end() && is_space(doc_[pos_])) ++pos_;
}

XmlTokenizer::Event XmlTokenizer::next() {
  if (fault_kind_ != Fault::none) return Event::fault;
  if (unbind_to_ != kNone) {  // the last end event's bindings, kept while it was looked at
    if (bindings_.size() != unbind_to_) ++bindings_version_;
    bindings_.resize(unbind_to_);
    unbind_to_ = kNone;
  }
  if (!started_) {
    started_ = true;
    if (!prolog()) return Event::fault;
  }
  if (pending_end_) {
    pending_end_ = false;
    const Open closed = open_.back();
    open_.pop_back();
    // element_ still names it; its bindings go at the next call.
    unbind_to_ = closed.bindings_mark;
    if (open_.empty()) root_closed_ = true;
    return Event::end;
  }
  if (open_.empty()) {
    if (!skip_misc(false)) return Event::fault;
    if (root_closed_) {
      if (at_end()) return Event::done;
      // Xerces-C stops reading at some bytes after the root element (a NUL, a byte that is not
      // UTF-8) and refuses others: text after the root is left to it.
      if (doc_[pos_] != '<') return fail(Fault::unsupported, pos_, "text after the root element");
      return fail(Fault::malformed, pos_, "content after the root element");
    }
    if (at_end()) return fail(Fault::malformed, pos_, "no root element");
    if (!starts_with("<") || starts_with("</") || starts_with("<!")) {
      if (starts_with("<!DOCTYPE")) return fail(Fault::doctype, pos_, "a DOCTYPE is not accepted (no DTD: entities could be declared)");
      return fail(Fault::malformed, pos_, "the root element was expected");
    }
    return start_tag();
  }
  for (;;) {
    if (at_end()) return fail(Fault::malformed, pos_, "the document ends inside element '" + std::string(open_.back().qname) + "'");
    if (starts_with("</")) return end_tag();
    if (doc_[pos_] == '<' && !starts_with("<!") && !starts_with("<?")) return start_tag();
    const Event e = character_data();
    if (e != Event::done) return e;  // text or fault; done: only comments and PIs were there
  }
}

bool XmlTokenizer::prolog() {
  if (starts_with("\xEF\xBB\xBF")) pos_ += 3;  // UTF-8 byte order mark
  if (doc_.size() - pos_ >= 2 && ((doc_[pos_] == '\xFE' && doc_[pos_ + 1] == '\xFF') || (doc_[pos_] == '\xFF' && doc_[pos_ + 1] == '\xFE'))) {
    fail(Fault::unsupported, pos_, "UTF-16 input: only UTF-8 is read");
    return false;
  }
  if (starts_with("<?xml") && doc_.size() > pos_ + 5 && is_space(doc_[pos_ + 5])) return xml_declaration();
  return true;
}

// <?xml version="1.0" encoding="UTF-8" standalone="yes"?>, in that order, each but the version
// optional. Anything else is left to Xerces-C (Fault::unsupported), which reads declarations
// more leniently than XML 1.0 says (a version "1." followed by anything, a NUL before '=').
bool XmlTokenizer::xml_declaration() {
  const std::size_t start = pos_;
  pos_ += 5;
  std::string_view seen[3];
  const char* names[3] = {"version", "encoding", "standalone"};
  int index = 0;
  for (;;) {
    const std::size_t before_space = pos_;
    skip_space();
    if (starts_with("?>")) {
      pos_ += 2;
      break;
    }
    if (pos_ == before_space) return fail(Fault::unsupported, pos_, "white space expected in the XML declaration"), false;
    std::string_view key;
    if (!name(key)) return false;
    while (index < 3 && key != names[index]) ++index;
    if (index == 3 || !seen[index].empty()) return fail(Fault::unsupported, pos_, "'" + std::string(key) + "' is out of place in the XML declaration"), false;
    skip_space();
    if (at_end() || doc_[pos_] != '=') return fail(Fault::unsupported, pos_, "'=' expected in the XML declaration"), false;
    ++pos_;
    skip_space();
    if (at_end() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) return fail(Fault::unsupported, pos_, "a quoted value expected in the XML declaration"), false;
    const char quote = doc_[pos_++];
    const std::size_t end = doc_.find(quote, pos_);
    if (end == std::string_view::npos) return fail(Fault::unsupported, start, "the XML declaration does not end"), false;
    seen[index] = doc_.substr(pos_, end - pos_);
    if (seen[index].empty()) return fail(Fault::unsupported, pos_, "an empty value in the XML declaration"), false;
    pos_ = end + 1;
  }
  if (seen[0] != "1.0") return fail(Fault::unsupported, start, "XML version '" + std::string(seen[0]) + "': only 1.0 is read"), false;
  if (!seen[1].empty() && !equals_ignoring_case(seen[1], "UTF-8") && !equals_ignoring_case(seen[1], "UTF8"))
    return fail(Fault::unsupported, start, "encoding '" + std::string(seen[1]) + "': only UTF-8 is read"), false;
  if (!seen[2].empty() && seen[2] != "yes" && seen[2] != "no")
    return fail(Fault::unsupported, start, "standalone must be 'yes' or 'no'"), false;
  return true;
}

bool XmlTokenizer::skip_misc(bool in_content) {
  for (;;) {
    if (!in_content) skip_space();
    if (starts_with("<!--")) {
      if (!comment()) return false;
    } else if (starts_with("<?")) {
      if (!processing_instruction()) return false;
    } else {
      return true;
    }
  }
}

bool XmlTokenizer::comment() {
  const std::size_t start = pos_;
  const std::size_t end = doc_.find("--", pos_ + 4);
  if (end == std::string_view::npos) return fail(Fault::malformed, start, "a comment does not end"), false;
  if (end + 2 >= doc_.size() || doc_[end + 2] != '>') return fail(Fault::malformed, end, "'--' inside a comment"), false;
  if (!check_chars(doc_.substr(pos_ + 4, end - pos_ - 4), pos_ + 4)) return false;
  pos_ = end + 3;
  return true;
}

bool XmlTokenizer::processing_instruction() {
  const std::size_t start = pos_;
  pos_ += 2;
  std::string_view target;
  if (!name(target)) return false;
  if (equals_ignoring_case(target, "xml"))
    return fail(Fault::malformed, start, "an XML declaration (or a PI named 'xml') is only allowed at the very start"), false;
  if (target.find(':') != std::string_view::npos) return fail(Fault::malformed, start, "a processing instruction's target has a colon"), false;
  const std::size_t end = doc_.find("?>", pos_);
  if (end == std::string_view::npos) return fail(Fault::malformed, start, "a processing instruction does not end"), false;
  if (end > pos_ && !is_space(doc_[pos_])) return fail(Fault::malformed, pos_, "white space expected after a processing instruction's target"), false;
  if (!check_chars(doc_.substr(pos_, end - pos_), pos_)) return false;
  pos_ = end + 2;
  return true;
}

// A Name; a name's part after a colon must start as a name does (a QName's local part is an
// NCName: "p:0a" and "p:-a" are no names).
bool XmlTokenizer::name(std::string_view& out) {
  const std::size_t start = pos_;
  bool first = true;
  while (!at_end()) {
    const char c = doc_[pos_];
    std::size_t length = 1;
    char32_t code = static_cast<unsigned char>(c);
    const unsigned char kind = kAsciiNames.kind[code];
    if (kind != 3) {
      if (kind == 0 || (first && kind != 2)) break;
      first = false;
      ++pos_;
      // The rest of an ASCII run, in a tight loop: a name is mostly such a run.
      for (unsigned char k; pos_ < doc_.size() && (k = kAsciiNames.kind[static_cast<unsigned char>(doc_[pos_])]) != 0 && k != 3;) ++pos_;
      continue;
    }
    if (code >= 0x80) {
      code = decode_utf8(doc_, pos_, length);
      if (length == 0) return fail(Fault::malformed, pos_, "a byte that is not UTF-8"), false;
    }
    const bool ok = code == ':' || (first ? is_name_start(code) : is_name_char(code));
    if (!ok) break;
    first = code == ':';
    pos_ += length;
  }
  if (pos_ == start) return fail(Fault::malformed, pos_, "a name was expected"), false;
  if (first && doc_[pos_ - 1] == ':' && !at_end() && is_name_char(static_cast<unsigned char>(doc_[pos_])))
    return fail(Fault::malformed, pos_, "a name's part after ':' starts with '" + std::string(1, doc_[pos_]) + "'"), false;
  out = doc_.substr(start, pos_ - start);
  if (out.size() > 4096) return fail(Fault::limit, start, "a name of " + std::to_string(out.size()) + " bytes"), false;
  return true;
}

bool XmlTokenizer::reference(std::string& out) {
  const std::size_t start = pos_;  // at '&'
  const std::size_t end = doc_.find(';', pos_);
  if (end == std::string_view::npos || end - pos_ > 64) return fail(Fault::malformed, start, "'&' that starts no reference"), false;
  const std::string_view body = doc_.substr(pos_ + 1, end - pos_ - 1);
  pos_ = end + 1;
  if (!body.empty() && body[0] == '#') {
    const bool hex = body.size() > 1 && body[1] == 'x';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty()) return fail(Fault::malformed, start, "a character reference without digits"), false;
    char32_t code = 0;
    for (const char d : digits) {
      int v;
      if (d >= '0' && d <= '9') v = d - '0';
      else if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
      else if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
      else return fail(Fault::malformed, start, "'" + std::string(body) + "' is not a character reference"), false;
      code = code * (hex ? 16 : 10) + static_cast<char32_t>(v);
      if (code > 0x10FFFF) return fail(Fault::malformed, start, "a character reference beyond Unicode"), false;
    }
    if (!is_xml_char(code)) return fail(Fault::malformed, start, "&" + std::string(body) + "; is a character XML 1.0 cannot carry"), false;
    append_utf8(out, code);
    return true;
  }
  if (body == "lt") out += '<';
  else if (body == "gt") out += '>';
  else if (body == "amp") out += '&';
  else if (body == "apos") out += '\'';
  else if (body == "quot") out += '"';
  else return fail(Fault::malformed, start, "the entity '" + std::string(body) + "' is not declared (there is no DTD)"), false;
  return true;
}

bool XmlTokenizer::attribute_value(std::string& out) {
  const std::size_t start = pos_;
  if (at_end() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) return fail(Fault::malformed, pos_, "a quoted attribute value was expected"), false;
  const char quote = doc_[pos_++];
  out.clear();
  for (;;) {
    std::size_t run = pos_;
    while (run < doc_.size() && doc_[run] != quote && doc_[run] != '&' && doc_[run] != '<') ++run;
    if (run >= doc_.size()) return fail(Fault::malformed, start, "an attribute value does not end"), false;
    const std::string_view raw = doc_.substr(pos_, run - pos_);
    if (!check_chars(raw, pos_)) return false;
    // Line ends first, then each white-space character becomes a space (no DTD: every attribute is CDATA).
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const char c = raw[i];
      if (c == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') continue;
      out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
    }
    pos_ = run;
    if (doc_[pos_] == quote) {
      ++pos_;
      return true;
    }
    if (doc_[pos_] == '<') return fail(Fault::malformed, pos_, "'<' in an attribute value"), false;
    if (!reference(out)) return false;
  }
}

const std::string* XmlTokenizer::bound(std::string_view prefix) const {
  // Siblings and children mostly use the prefix the element before used: the last answer is kept
  // until a binding comes or goes.
  if (last_bound_version_ == bindings_version_ && last_bound_prefix_ == prefix) return last_bound_;
  const long i = innermost(prefix);
  last_bound_version_ = bindings_version_;
  last_bound_prefix_ = prefix;
  last_bound_ = i < 0 ? nullptr : &bindings_[static_cast<std::size_t>(i)].ns;
  return last_bound_;
}

long XmlTokenizer::innermost(std::string_view prefix) const {
  for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it)
    if (it->prefix == prefix) return static_cast<long>(bindings_.rend() - it) - 1;
  return -1;
}

bool XmlTokenizer::resolve(std::string_view qname, bool is_attribute, XmlName& out) {
  const std::size_t colon = qname.find(':');
  if (colon == std::string_view::npos) {
    out.prefix = {};
    out.local = qname;
    const std::string* ns = is_attribute ? nullptr : bound("");
    out.ns = ns == nullptr ? std::string_view() : std::string_view(*ns);
    return true;
  }
  if (colon == 0 || colon + 1 == qname.size() || qname.find(':', colon + 1) != std::string_view::npos)
    return fail(Fault::malformed, pos_, "'" + std::string(qname) + "' is not a qualified name"), false;
  out.prefix = qname.substr(0, colon);
  out.local = qname.substr(colon + 1);
  if (out.prefix == "xmlns") return fail(Fault::malformed, pos_, "the prefix 'xmlns' names no element"), false;
  const std::string* ns = bound(out.prefix);
  if (ns == nullptr) return fail(Fault::malformed, pos_, "the prefix '" + std::string(out.prefix) + "' is not bound"), false;
  out.ns = *ns;
  return true;
}

XmlTokenizer::Event XmlTokenizer::start_tag() {
  const std::size_t start = tag_begin_ = pos_;
  ++pos_;  // '<'
  std::string_view qname;
  if (!name(qname)) return Event::fault;
  if (open_.size() + 1 > limits_.max_depth)
    return fail(Fault::limit, start, "elements nested deeper than " + std::to_string(limits_.max_depth));
  if (++elements_ > limits_.max_elements) return fail(Fault::limit, start, "more than " + std::to_string(limits_.max_elements) + " elements");
  attribute_qnames_.clear();
  std::size_t values = 0;
  bool empty = false;
  for (;;) {
    const std::size_t before_space = pos_;
    skip_space();
    if (at_end()) return fail(Fault::malformed, start, "a start tag does not end");
    if (doc_[pos_] == '>') {
      ++pos_;
      break;
    }
    if (starts_with("/>")) {
      pos_ += 2;
      empty = true;
      break;
    }
    if (pos_ == before_space) return fail(Fault::malformed, pos_, "white space expected before an attribute");
    std::string_view attribute;
    if (!name(attribute)) return Event::fault;
    if (std::find(attribute_qnames_.begin(), attribute_qnames_.end(), attribute) != attribute_qnames_.end())
      return fail(Fault::malformed, pos_, "the attribute '" + std::string(attribute) + "' twice");
    skip_space();
    if (at_end() || doc_[pos_] != '=') return fail(Fault::malformed, pos_, "'=' expected after the attribute '" + std::string(attribute) + "'");
    ++pos_;
    skip_space();
    if (attribute_values_.size() <= values) attribute_values_.emplace_back();
    if (!attribute_value(attribute_values_[values])) return Event::fault;
    attribute_qnames_.push_back(attribute);
    ++values;
  }
  // Namespace declarations first: they apply to the element's own name and attributes.
  const std::size_t mark = bindings_.size();
  for (std::size_t i = 0; i < attribute_qnames_.size(); ++i) {
    const std::string_view a = attribute_qnames_[i];
    const std::string& value = attribute_values_[i];
    if (a == "xmlns") {
      if (value == kXmlNamespace || value == kXmlnsNamespace)
        return fail(Fault::malformed, start, "the namespace '" + value + "' cannot be the default");
      bindings_.push_back({"", value});
      ++bindings_version_;
    } else if (a.substr(0, 6) == "xmlns:") {
      const std::string_view prefix = a.substr(6);
      if (prefix.empty() || prefix.find(':') != std::string_view::npos)
        return fail(Fault::malformed, start, "'" + std::string(a) + "' declares no prefix");
      if (value.empty()) return fail(Fault::malformed, start, "the prefix '" + std::string(prefix) + "' is bound to no namespace");
      if (prefix == "xmlns") return fail(Fault::malformed, start, "the prefix 'xmlns' cannot be declared");
      if ((prefix == "xml") != (value == kXmlNamespace))
        return fail(Fault::malformed, start, "the prefix 'xml' and its namespace go only with each other");
      if (value == kXmlnsNamespace) return fail(Fault::malformed, start, "the xmlns namespace cannot be bound");
      bindings_.push_back({std::string(prefix), value});
      ++bindings_version_;
    }
  }
  open_.push_back({qname, mark, {}});
  if (!resolve(qname, false, element_)) return Event::fault;
  open_.back().name = element_;
  attributes_.clear();
  for (std::size_t i = 0; i < attribute_qnames_.size(); ++i) {
    const std::string_view a = attribute_qnames_[i];
    if (a == "xmlns" || a.substr(0, 6) == "xmlns:") continue;
    XmlAttribute attribute;
    if (!resolve(a, true, attribute.name)) return Event::fault;
    attribute.value = attribute_values_[i];
    for (const XmlAttribute& other : attributes_)
      if (!attribute.name.ns.empty() && other.name.ns == attribute.name.ns && other.name.local == attribute.name.local)
        return fail(Fault::malformed, start, "the attribute {" + std::string(attribute.name.ns) + "}" + std::string(attribute.name.local) + " twice");
    attributes_.push_back(attribute);
  }
  pending_end_ = empty;
  return Event::start;
}

XmlTokenizer::Event XmlTokenizer::end_tag() {
  const std::size_t start = tag_begin_ = pos_;
  pos_ += 2;
  std::string_view qname;
  // Most end tags name the open element exactly, followed by '>': matched without a scan.
  const std::string_view expected = open_.back().qname;
  const std::size_t after = pos_ + expected.size();
  if (after < doc_.size() && (doc_[after] == '>' || is_space(doc_[after])) && doc_.compare(pos_, expected.size(), expected) == 0) {
    qname = doc_.substr(pos_, expected.size());
    pos_ = after;
  } else if (!name(qname)) {
    return Event::fault;
  }
  skip_space();
  if (at_end() || doc_[pos_] != '>') return fail(Fault::malformed, start, "an end tag does not end");
  ++pos_;
  if (qname != open_.back().qname)
    return fail(Fault::malformed, start, "'</" + std::string(qname) + ">' ends element '" + std::string(open_.back().qname) + "'");
  element_ = open_.back().name;  // resolved at the start tag, in the same scope
  unbind_to_ = open_.back().bindings_mark;  // at the next call: element_ views them until then
  open_.pop_back();
  if (open_.empty()) root_closed_ = true;
  return Event::end;
}

// Text up to the next start or end tag: runs of characters, references and CDATA sections, with
// comments and processing instructions between them skipped. One run without CR or reference is
// returned as a view of the input; anything else is assembled in text_buffer_.
XmlTokenizer::Event XmlTokenizer::character_data() {
  bool copied = false;
  std::string_view direct;
  auto to_buffer = [&] {
    if (copied) return;
    text_buffer_.assign(direct.data(), direct.size());
    copied = true;
  };
  for (;;) {
    if (at_end()) break;
    const char c = doc_[pos_];
    if (c == '<') {
      if (starts_with("<![CDATA[")) {
        const std::size_t begin = pos_ + 9;
        const std::size_t end = doc_.find("]]>", begin);
        if (end == std::string_view::npos) return fail(Fault::malformed, pos_, "a CDATA section does not end");
        const std::string_view raw = doc_.substr(begin, end - begin);
        if (!check_chars(raw, begin)) return Event::fault;
        to_buffer();
        append_lines(text_buffer_, raw);
        pos_ = end + 3;
        continue;
      }
      if (starts_with("<!--")) {
        if (!comment()) return Event::fault;
        continue;
      }
      if (starts_with("<?")) {
        if (!processing_instruction()) return Event::fault;
        continue;
      }
      if (starts_with("<!")) {
        if (starts_with("<!DOCTYPE")) return fail(Fault::doctype, pos_, "a DOCTYPE is not accepted (no DTD: entities could be declared)");
        return fail(Fault::malformed, pos_, "'<!' that starts no comment or CDATA section");
      }
      break;  // a tag
    }
    if (c == '&') {
      to_buffer();
      if (!reference(text_buffer_)) return Event::fault;
      continue;
    }
    std::size_t run = pos_;
    while (run < doc_.size() && doc_[run] != '<' && doc_[run] != '&') ++run;
    const std::string_view raw = doc_.substr(pos_, run - pos_);
    if (!check_chars(raw, pos_)) return Event::fault;
    if (const std::size_t bad = raw.find("]]>"); bad != std::string_view::npos)
      return fail(Fault::malformed, pos_ + bad, "']]>' in text");
    if (!copied && direct.empty() && raw.find('\r') == std::string_view::npos) {
      direct = raw;
    } else {
      to_buffer();
      append_lines(text_buffer_, raw);
    }
    pos_ = run;
  }
  text_ = copied ? std::string_view(text_buffer_) : direct;
  if (text_.empty() && !copied) return Event::done;
  return Event::text;
}

}  // namespace cimbus::detail
