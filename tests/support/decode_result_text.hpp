#pragma once
// A DecodeResult as text, for comparing the decoder's two paths (decisions/0035): status, SOAP
// namespace, every diagnostic, the envelope field by field, and each typed object unpacked (so
// that two packings of equal objects read alike).

#include <string>

#include "cimbus/codec/payload_object.hpp"
#include "cimbus/codec/xml_codec.hpp"

namespace cimbus::test {

inline std::string describe(const DecodeResult& r) {
  std::string out = std::string(to_string(r.status)) + " soap=" + r.soap_namespace + "\n";
  for (const Diagnostic& d : r.diagnostics) out += d.code + " " + d.path + ": " + d.reason + " | " + d.detail + "\n";
  Envelope e = r.envelope;
  e.clear_payload_objects();
  e.clear_request_objects();
  out += e.ShortDebugString() + "\n";
  for (const auto& any : r.envelope.payload_objects()) out += "payload " + unpack_object(any)->ShortDebugString() + "\n";
  for (const auto& any : r.envelope.request_objects()) out += "request " + unpack_object(any)->ShortDebugString() + "\n";
  return out;
}

}  // namespace cimbus::test
