#pragma once
// What XmlCodec::decode returns: the typed message (as far as it could be built) and every
// finding about it.

#include <string>

#include "cimbus/codec/diagnostic.hpp"
#include "cimbus/envelope.pb.h"

namespace cimbus {

struct DecodeResult {
  enum class Status {
    accepted,    // a message; no errors (warnings and informs may be present)
    rejected,    // a message with errors: answer with a FAILED reply correlated to its Header
    unreadable,  // no message could be read (not XML, not a 61968-100 root, a limit or policy hit):
                 // answer with a FaultMessage
  };

  Status status = Status::unreadable;
  Envelope envelope;
  Diagnostics diagnostics;
  // The namespace of the SOAP Envelope the message came in (SOAP 1.1 or 1.2); empty when the
  // message was the document's root.
  std::string soap_namespace;
  // Payload/Compressed, base64-decoded and, when gzip, inflated (empty when absent).
  std::string decompressed_payload;

  bool accepted() const { return status == Status::accepted; }
  std::string primary_code() const { return cimbus::primary_code(diagnostics); }
};

const char* to_string(DecodeResult::Status status);

}  // namespace cimbus
