#pragma once
// Namespaces the codec treats specially.

#include <string>
#include <string_view>

#include "cimbus/codec/message_elements.hpp"

namespace cimbus::detail {

// IEC 61968-100 Ed.1 (final) common message namespace.
inline const std::string kMessageNamespace{cimbus::kMessageNamespace};
inline const std::u16string kMessageNamespace16 = u"http://iec.ch/TC57/2011/schema/message";
// SOAP envelopes around a message: the message is the first element child of Body.
inline const std::u16string kSoap11Namespace16 = u"http://schemas.xmlsoap.org/soap/envelope/";
inline const std::u16string kSoap12Namespace16 = u"http://www.w3.org/2003/05/soap-envelope";
inline constexpr std::string_view kSoap11Namespace = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kSoap12Namespace = "http://www.w3.org/2003/05/soap-envelope";

}  // namespace cimbus::detail
