#pragma once
// A Xerces SAX2 reader set up for untrusted input:
// - a DOCTYPE stops the parse (no DTD, so no entity can be declared or expanded), and external
//   entities and schema hints are never followed;
// - the validator's errors reach the DecodeHandler with Xerces' numeric error codes, which the
//   SAX ErrorHandler interface does not carry;
// - validation uses only the registry's cached, locked grammars.

#include <memory>

#include <xercesc/parsers/SAX2XMLReaderImpl.hpp>
#include <xercesc/util/SecurityManager.hpp>

#include "cimbus/codec/decode_limits.hpp"
#include "cimbus/codec/validation_policy.hpp"

namespace cimbus::detail {

class DecodeHandler;

class HardenedReader : public xercesc::SAX2XMLReaderImpl {
 public:
  HardenedReader(xercesc::XMLGrammarPool* grammars, DecodeHandler& handler, const DecodeLimits& limits,
                 ValidationPolicy policy);

  void error(const unsigned int code, const XMLCh* const domain, const xercesc::XMLErrorReporter::ErrTypes type,
             const XMLCh* const text, const XMLCh* const system_id, const XMLCh* const public_id,
             const XMLFileLoc line, const XMLFileLoc column) override;

  void doctypeDecl(const xercesc::DTDElementDecl& root, const XMLCh* const public_id, const XMLCh* const system_id,
                   const bool has_internal_subset, const bool has_external_subset) override;

 private:
  DecodeHandler& handler_;
  xercesc::SecurityManager security_;
};

}  // namespace cimbus::detail
