#include "xml_escape.hpp"

#include "cimbus/codec/xml_text.hpp"

namespace cimbus::detail {

namespace {

// Bytes that need a reference, per context: the loop below copies the runs between them whole.
struct EscapeTable {
  bool text[256] = {};
  bool attribute[256] = {};
  constexpr EscapeTable() {
    for (int c = 0; c < 128; ++c) {
      text[c] = xml_escape_of(static_cast<char>(c), EscapeContext::text) != nullptr;
      attribute[c] = xml_escape_of(static_cast<char>(c), EscapeContext::attribute) != nullptr;
    }
  }
};
constexpr EscapeTable kEscapes;

void append_escaped(std::string& out, std::string_view text, EscapeContext context) {
  const bool* escaped = context == EscapeContext::text ? kEscapes.text : kEscapes.attribute;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!escaped[static_cast<unsigned char>(text[i])]) continue;
    out.append(text.data() + start, i - start);
    out += xml_escape_of(text[i], context);
    start = i + 1;
  }
  out.append(text.data() + start, text.size() - start);
}

}  // namespace

void append_escaped_text(std::string& out, std::string_view text) { append_escaped(out, text, EscapeContext::text); }

void append_escaped_attribute(std::string& out, std::string_view text) {
  append_escaped(out, text, EscapeContext::attribute);
}

char32_t decode_utf8(std::string_view s, std::size_t at, std::size_t& length) {
  const auto b = static_cast<unsigned char>(s[at]);
  length = 0;
  char32_t c;
  std::size_t n;
  if (b < 0x80) return length = 1, b;
  if ((b & 0xE0) == 0xC0) c = b & 0x1F, n = 2;
  else if ((b & 0xF0) == 0xE0) c = b & 0x0F, n = 3;
  else if ((b & 0xF8) == 0xF0) c = b & 0x07, n = 4;
  else return 0;
  if (at + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto cb = static_cast<unsigned char>(s[at + k]);
    if ((cb & 0xC0) != 0x80) return 0;
    c = (c << 6) | (cb & 0x3F);
  }
  if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF))) return 0;
  if (c >= 0xD800 && c <= 0xDFFF) return 0;
  length = n;
  return c;
}

bool is_xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

bool is_xml_text(std::string_view text, std::size_t* where) {
  for (size_t i = 0; i < text.size();) {
    unsigned char b = static_cast<unsigned char>(text[i]);
    if (b >= 0x20 && b < 0x80) {  // printable ASCII, most of any message: no decoding
      ++i;
      continue;
    }
    size_t n = 0;
    const char32_t c = decode_utf8(text, i, n);
    if (n == 0 || !is_xml_char(c)) {
      if (where) *where = i;
      return false;
    }
    i += n;
  }
  return true;
}

std::string xml_safe(std::string_view text) {
  std::string out;
  size_t where = 0;
  while (!is_xml_text(text, &where)) {
    out.append(text.data(), where);
    out += "\xEF\xBF\xBD";
    text.remove_prefix(where + 1);
    while (!text.empty() && (static_cast<unsigned char>(text.front()) & 0xC0) == 0x80) text.remove_prefix(1);
  }
  out.append(text.data(), text.size());
  return out;
}

}  // namespace cimbus::detail

namespace cimbus {

std::string escape_xml_text(std::string_view text) {
  std::string out;
  detail::append_escaped_text(out, text);
  return out;
}

std::string escape_xml_attribute(std::string_view text) {
  std::string out;
  detail::append_escaped_attribute(out, text);
  return out;
}

std::string xml_safe_text(std::string_view text) { return detail::xml_safe(text); }

}  // namespace cimbus
