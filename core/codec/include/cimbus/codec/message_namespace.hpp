#pragma once
// The namespace of the IEC 61968-100 Ed.1 (final) common message schema (Message.xsd): its five
// global elements and the Header, Request, Reply fields inside typed wrappers.

#include <string_view>

namespace cimbus {

inline constexpr std::string_view kMessageNamespace = "http://iec.ch/TC57/2011/schema/message";

}  // namespace cimbus
