#pragma once
// UTF-16 (Xerces' XMLCh) <-> UTF-8 conversions on the hot path, without Xerces' transcoder
// objects. Input from Xerces is already checked, so lone surrogates cannot occur there.

#include <string>
#include <string_view>

#include <xercesc/util/XercesDefs.hpp>

#include "xml_escape.hpp"

namespace cimbus::detail {

// Appends `length` UTF-16 code units as UTF-8.
void append_utf8(std::string& out, const XMLCh* text, size_t length);
// Appends a NUL-terminated XMLCh string as UTF-8 (nothing for nullptr).
void append_utf8(std::string& out, const XMLCh* text);
// Appends `length` UTF-16 code units as UTF-8 with XML's references in `context` (xml_escape.hpp),
// without an intermediate string: the capture of unknown payloads does this for every character.
void append_utf8_escaped(std::string& out, const XMLCh* text, size_t length, EscapeContext context);
// A NUL-terminated XMLCh string as UTF-8 (nullptr gives "").
std::string utf8(const XMLCh* text);
// UTF-8 -> UTF-16; invalid bytes become U+FFFD.
std::u16string to_u16(std::string_view text);

inline const XMLCh* xml_chars(const std::u16string& s) { return reinterpret_cast<const XMLCh*>(s.c_str()); }

}  // namespace cimbus::detail
