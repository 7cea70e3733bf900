#pragma once
// Text for XML written outside the codec's encoder (e.g. a SOAP Fault's reason): escaped, and
// made safe when it quotes hostile input back to its sender.

#include <string>
#include <string_view>

namespace cimbus {

// `text` as XML character data: &, <, > and CR become references.
std::string escape_xml_text(std::string_view text);
// `text` as an attribute value in double quotes: &, <, ", CR, LF and TAB become references.
std::string escape_xml_attribute(std::string_view text);
// `text` with every byte sequence that XML 1.0 cannot carry (invalid UTF-8, control characters)
// replaced by U+FFFD.
std::string xml_safe_text(std::string_view text);

}  // namespace cimbus
