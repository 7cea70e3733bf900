#include "hardened_reader.hpp"

#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/XMLUni.hpp>

#include "decode_handler.hpp"

using namespace xercesc;

namespace cimbus::detail {

HardenedReader::HardenedReader(XMLGrammarPool* grammars, DecodeHandler& handler, const DecodeLimits& limits,
                               ValidationPolicy policy)
    : SAX2XMLReaderImpl(XMLPlatformUtils::fgMemoryManager, grammars), handler_(handler) {
  const bool validate = policy != ValidationPolicy::off;
  setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
  setFeature(XMLUni::fgSAX2CoreNameSpacePrefixes, false);
  setFeature(XMLUni::fgSAX2CoreValidation, validate);
  setFeature(XMLUni::fgXercesDynamic, false);
  setFeature(XMLUni::fgXercesSchema, validate);
  setFeature(XMLUni::fgXercesSchemaFullChecking, false);
  setFeature(XMLUni::fgXercesIdentityConstraintChecking, false);
  setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
  setFeature(XMLUni::fgXercesCacheGrammarFromParse, false);
  setFeature(XMLUni::fgXercesLoadSchema, false);           // ignore xsi:schemaLocation
  setFeature(XMLUni::fgXercesLoadExternalDTD, false);
  setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
  setFeature(XMLUni::fgXercesValidationErrorAsFatal, false);  // collect every finding
  setFeature(XMLUni::fgXercesContinueAfterFatalError, false);
  security_.setEntityExpansionLimit(limits.max_entity_expansions);
  setProperty(XMLUni::fgXercesSecurityManager, &security_);
  setContentHandler(&handler);
  // Xerces reports errors to error() only while an ErrorHandler is installed; DecodeHandler's
  // ErrorHandler methods are no-ops, everything arrives through error() with its code.
  setErrorHandler(&handler);
  // Xerces calls doctypeDecl() only while a LexicalHandler is installed (its methods are no-ops).
  setLexicalHandler(&handler);
}

void HardenedReader::error(const unsigned int code, const XMLCh* const domain, const XMLErrorReporter::ErrTypes type,
                           const XMLCh* const text, const XMLCh* const, const XMLCh* const, const XMLFileLoc line,
                           const XMLFileLoc column) {
  handler_.on_xerces_error(code, domain, type, text, line, column);
}

void HardenedReader::doctypeDecl(const DTDElementDecl&, const XMLCh* const, const XMLCh* const, const bool,
                                 const bool) {
  throw ParseStop{ParseStop::Why::doctype, "a DOCTYPE declaration is not allowed", {}, {}};
}

}  // namespace cimbus::detail
