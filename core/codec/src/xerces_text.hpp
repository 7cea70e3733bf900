#pragma once
// The codec's UTF-16 text helpers: those shared with tools/xsd2proto (cimbus/xerces/utf16.hpp),
// and the escaping append that the capture of unknown payloads uses for every character.

#include <string>

#include <xercesc/util/XercesDefs.hpp>

#include "cimbus/xerces/utf16.hpp"
#include "xml_escape.hpp"

namespace cimbus::detail {

using xerces::append_utf8;
using xerces::to_u16;
using xerces::utf8;
using xerces::xml_chars;

// Appends `length` UTF-16 code units as UTF-8 with XML's references in `context` (xml_escape.hpp),
// without an intermediate string.
void append_utf8_escaped(std::string& out, const XMLCh* text, size_t length, EscapeContext context);

}  // namespace cimbus::detail
