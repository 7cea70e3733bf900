#pragma once
// UTF-16 (Xerces' XMLCh) <-> UTF-8 conversions on the hot path, without Xerces' transcoder
// objects. Input from Xerces is already checked, so lone surrogates cannot occur there.

#include <string>
#include <string_view>

#include <xercesc/util/XercesDefs.hpp>

namespace cimbus::detail {

// Appends `length` UTF-16 code units as UTF-8.
void append_utf8(std::string& out, const XMLCh* text, size_t length);
// A NUL-terminated XMLCh string as UTF-8 (nullptr gives "").
std::string utf8(const XMLCh* text);
// UTF-8 -> UTF-16; invalid bytes become U+FFFD.
std::u16string to_u16(std::string_view text);

inline const XMLCh* xml_chars(const std::u16string& s) { return reinterpret_cast<const XMLCh*>(s.c_str()); }

}  // namespace cimbus::detail
