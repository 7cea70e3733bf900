#pragma once
// Escaping of UTF-8 text for XML output.

#include <string>
#include <string_view>

namespace cimbus::detail {

enum class EscapeContext { text, attribute };

// The reference that replaces the ASCII character `c` in `context`, or nullptr when `c` stays.
constexpr const char* xml_escape_of(char c, EscapeContext context) {
  switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '\r': return "&#13;";
    default: break;
  }
  if (context == EscapeContext::text) return nullptr;
  switch (c) {
    case '"': return "&quot;";
    case '\n': return "&#10;";
    case '\t': return "&#9;";
    default: return nullptr;
  }
}

// &, <, > and CR become references (CR would otherwise be normalised away by a reader).
void append_escaped_text(std::string& out, std::string_view text);
// As above, plus '"', TAB and LF, which attribute-value normalisation would otherwise change.
void append_escaped_attribute(std::string& out, std::string_view text);

// The UTF-8 sequence at `at`: its code point and `length`, or `length` 0 when it is malformed
// (a bad lead or continuation byte, cut short, overlong, a surrogate, beyond U+10FFFF).
char32_t decode_utf8(std::string_view text, std::size_t at, std::size_t& length);
// XML 1.0's Char: TAB, LF, CR and U+0020 on, without surrogates, U+FFFE and U+FFFF.
bool is_xml_char(char32_t c);

// True when `text` is valid UTF-8 made only of characters XML 1.0 can carry. On failure, `where`
// is the byte offset of the first bad byte.
bool is_xml_text(std::string_view text, std::size_t* where = nullptr);

// `text` with every byte sequence that is_xml_text refuses replaced by U+FFFD: for messages that
// quote hostile input back to its sender.
std::string xml_safe(std::string_view text);

}  // namespace cimbus::detail
