#pragma once
// UTF-16 (Xerces' XMLCh) <-> UTF-8 conversions on the hot path, without Xerces' transcoder
// objects. Input from Xerces is already checked, so lone surrogates cannot occur there.

#include <cstddef>
#include <string>
#include <string_view>

#include <xercesc/util/XercesDefs.hpp>

namespace cimbus::xerces {

// Appends `length` UTF-16 code units as UTF-8.
void append_utf8(std::string& out, const XMLCh* text, std::size_t length);
// Appends a NUL-terminated XMLCh string as UTF-8 (nothing for nullptr).
void append_utf8(std::string& out, const XMLCh* text);
// Appends the non-ASCII character at text[i] as UTF-8 (a surrogate pair takes two units);
// returns the index of its last unit.
std::size_t append_non_ascii(std::string& out, const XMLCh* text, std::size_t i, std::size_t length);
// A NUL-terminated XMLCh string as UTF-8 (nullptr gives "").
std::string utf8(const XMLCh* text);
// UTF-8 -> UTF-16; invalid bytes become U+FFFD.
std::u16string to_u16(std::string_view text);

inline const XMLCh* xml_chars(const std::u16string& s) { return reinterpret_cast<const XMLCh*>(s.c_str()); }

}  // namespace cimbus::xerces
