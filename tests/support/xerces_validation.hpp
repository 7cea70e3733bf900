#pragma once
// Xerces-C validating a document against a grammar pool, as the codec's reference does and as the
// codec bench's baseline does: the verdict the decoder's validator (decisions/0034) must
// give too. Errors and fatal errors alike make a document invalid.
//
//   XercesValidation xerces(grammars->pool());
//   bool ok = xerces.valid(xml);
//
// Threading: one document at a time.

#include <memory>
#include <string>

#include <xercesc/framework/XMLGrammarPool.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>

namespace cimbus::test {

class XercesValidation : public xercesc::DefaultHandler {
 public:
  explicit XercesValidation(xercesc::XMLGrammarPool* pool);
  ~XercesValidation() override;

  bool valid(const std::string& xml);

  void error(const xercesc::SAXParseException&) override { ++errors_; }
  void fatalError(const xercesc::SAXParseException&) override { ++errors_; }

 private:
  std::unique_ptr<xercesc::SAX2XMLReader> reader_;
  int errors_ = 0;
};

}  // namespace cimbus::test
