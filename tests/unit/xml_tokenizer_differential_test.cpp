// The tokenizer of the decoder against Xerces-C, set up as HardenedReader sets it up
// (namespaces, no DTD loaded, DOCTYPE refused), on well-formedness alone: the same documents must
// be accepted and refused by both. Inputs: every test message, the reference instances, the
// tokenizer's own fault cases, and mutants of the messages (bytes deleted, inserted, replaced,
// spans repeated, documents cut), made from a fixed seed so that a run can be repeated.
// Documents the tokenizer leaves to Xerces (another encoding, an unusual XML declaration) are
// not compared: Xerces decides them.

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/PlatformUtils.hpp>

#include "xerces_runtime.hpp"
#include "test_files.hpp"
#include "xml_tokenizer.hpp"

namespace cimbus::detail {
namespace {

namespace fs = std::filesystem;
using namespace xercesc;

struct DoctypeSeen {};

std::string text(const XMLCh* message) {
  char* bytes = XMLString::transcode(message);
  std::string out = bytes == nullptr ? "" : bytes;
  XMLString::release(&bytes);
  return out;
}

// Fatal errors make the document refused; a DOCTYPE too, as in HardenedReader.
class Verdict : public DefaultHandler {
 public:
  void fatalError(const SAXParseException& e) override {
    if (!refused) why = text(e.getMessage()) + " (line " + std::to_string(e.getLineNumber()) + ", column " + std::to_string(e.getColumnNumber()) + ")";
    refused = true;
  }
  void error(const SAXParseException&) override {}
  void startDTD(const XMLCh* const, const XMLCh* const, const XMLCh* const) override { throw DoctypeSeen{}; }
  bool refused = false;
  std::string why;
};

bool xerces_accepts(const std::string& xml, std::string* why = nullptr) {
  static std::unique_ptr<SAX2XMLReader> reader = [] {
    ensure_xerces();
    std::unique_ptr<SAX2XMLReader> r(XMLReaderFactory::createXMLReader());
    r->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
    r->setFeature(XMLUni::fgSAX2CoreValidation, false);
    r->setFeature(XMLUni::fgXercesSchema, false);
    r->setFeature(XMLUni::fgXercesLoadExternalDTD, false);
    r->setFeature(XMLUni::fgXercesDisableDefaultEntityResolution, true);
    r->setFeature(XMLUni::fgXercesContinueAfterFatalError, false);
    return r;
  }();
  Verdict verdict;
  reader->setContentHandler(&verdict);
  reader->setErrorHandler(&verdict);
  reader->setLexicalHandler(&verdict);
  MemBufInputSource input(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(), "differential", false);
  try {
    reader->parse(input);
  } catch (const DoctypeSeen&) {
    return false;
  } catch (...) {
    return false;
  }
  if (why != nullptr) *why = verdict.why;
  return !verdict.refused;
}

enum class Mine { accepts, refuses, leaves_to_xerces };

Mine tokenizer_verdict(const std::string& xml) {
  DecodeLimits limits;
  limits.max_depth = 1000;  // the limits are the decoder's business, not well-formedness
  XmlTokenizer t(xml, limits);
  for (;;) {
    const XmlTokenizer::Event e = t.next();
    if (e == XmlTokenizer::Event::done) return Mine::accepts;
    if (e == XmlTokenizer::Event::fault)
      return t.fault_kind() == XmlTokenizer::Fault::unsupported || t.fault_kind() == XmlTokenizer::Fault::limit ? Mine::leaves_to_xerces
                                                                                                               : Mine::refuses;
  }
}

std::vector<std::string> real_messages() {
  std::vector<std::string> out;
  for (const std::string& path : test::list_files(CIMBUS_EXAMPLES_DIR, "", ".xml")) out.push_back(test::read_file(path));
  const fs::path instances = fs::path(CIMBUS_REFERENCE_DIR) / "instances";
  if (!std::string(CIMBUS_REFERENCE_DIR).empty() && fs::is_directory(instances))
    for (const auto& entry : fs::recursive_directory_iterator(instances))
      if (entry.path().extension() == ".xml") out.push_back(test::read_file(entry.path().string()));
  return out;
}

std::string mutant(const std::string& xml, std::mt19937& random) {
  static constexpr char kBytes[] = "<>&;\"'/:= \r\n#x!-[]?aZ09\x80\xC3\xA9\xEF\xBB\xBF";
  static const std::string interesting = std::string(kBytes, sizeof kBytes - 1) + std::string(1, '\0');  // and a NUL
  std::string m = xml;
  const int edits = 1 + static_cast<int>(random() % 3);
  for (int e = 0; e < edits && !m.empty(); ++e) {
    const std::size_t at = random() % m.size();
    const char byte = interesting[random() % interesting.size()];
    switch (random() % 5) {
      case 0: m.erase(at, 1); break;
      case 1: m.insert(at, 1, byte); break;
      case 2: m[at] = byte; break;
      case 3: m.insert(at, m.substr(at, 1 + random() % 16)); break;
      case 4: m.resize(at); break;
    }
  }
  return m;
}

TEST(XmlTokenizerDifferential, AcceptsAndRefusesWhatXercesDoesOnWellFormedness) {
  std::vector<std::string> inputs = real_messages();
  ASSERT_GT(inputs.size(), 10u);
  const std::size_t real = inputs.size();
  std::mt19937 random(20261203);
  for (std::size_t i = 0; i < real; ++i)
    for (int k = 0; k < 1000; ++k) inputs.push_back(mutant(inputs[i], random));
  int compared = 0, left = 0;
  std::vector<std::string> differ;
  for (const std::string& xml : inputs) {
    const Mine mine = tokenizer_verdict(xml);
    if (mine == Mine::leaves_to_xerces) {
      ++left;
      continue;
    }
    ++compared;
    std::string why;
    const bool theirs = xerces_accepts(xml, &why);
    if ((mine == Mine::accepts) != theirs) {
      XmlTokenizer t(xml, {});
      while (t.next() != XmlTokenizer::Event::done && t.fault_kind() == XmlTokenizer::Fault::none) {
      }
      const std::size_t around = theirs ? t.fault_offset() : 0;
      std::string excerpt = xml.substr(around > 60 ? around - 60 : 0, 120);
      for (char& c : excerpt) c = c == '\n' ? '|' : c;
      differ.push_back(theirs ? "Xerces accepts, the tokenizer refuses (" + t.fault() + " at byte " + std::to_string(t.fault_offset()) + "): ..." + excerpt + "..."
                              : "Xerces refuses (" + why + "), the tokenizer accepts");
    }
  }
  std::cout << compared << " documents compared (" << real << " real, the rest mutants), " << left << " left to Xerces\n";
  std::string shown;
  for (std::size_t i = 0; i < differ.size() && i < 10; ++i) shown += "\n" + differ[i].substr(0, differ[i].find('\n'));
  EXPECT_TRUE(differ.empty()) << differ.size() << " verdicts differ, the first ten (to their first line):" << shown;
}

}  // namespace
}  // namespace cimbus::detail
