#include "xerces_validation.hpp"

#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/PlatformUtils.hpp>

namespace cimbus::test {

using namespace xercesc;

XercesValidation::XercesValidation(XMLGrammarPool* pool) : reader_(XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, pool)) {
  reader_->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
  reader_->setFeature(XMLUni::fgSAX2CoreValidation, true);
  reader_->setFeature(XMLUni::fgXercesDynamic, false);
  reader_->setFeature(XMLUni::fgXercesSchema, true);
  reader_->setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
  reader_->setFeature(XMLUni::fgXercesLoadSchema, false);
  reader_->setFeature(XMLUni::fgXercesLoadExternalDTD, false);
  reader_->setContentHandler(this);
  reader_->setErrorHandler(this);
}

XercesValidation::~XercesValidation() = default;

bool XercesValidation::valid(const std::string& xml) {
  errors_ = 0;
  MemBufInputSource input(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(), "document", false);
  try {
    reader_->parse(input);
  } catch (...) {
    return false;
  }
  return errors_ == 0;
}

}  // namespace cimbus::test
