#include "xerces_text.hpp"

namespace cimbus::detail {

void append_utf8_escaped(std::string& out, const XMLCh* text, size_t length, EscapeContext context) {
  for (size_t i = 0; i < length; ++i) {
    if (text[i] >= 0x80) {
      i = xerces::append_non_ascii(out, text, i, length);
    } else if (const char* replacement = xml_escape_of(static_cast<char>(text[i]), context)) {
      out += replacement;
    } else {
      out += static_cast<char>(text[i]);
    }
  }
}

}  // namespace cimbus::detail
