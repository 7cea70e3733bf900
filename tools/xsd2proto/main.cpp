// xsd2proto: turns the project's XSDs into .proto files at build time.
//
//   xsd2proto --schemas DIR --manifest FILE --out DIR [--roots FILE.cpp]
//
// Loads every XSD named in the manifest into one Xerces-C grammar pool, walks the resulting
// XSModel and writes one .proto per target namespace; with --roots, also the C++ table of the
// global elements and their generated types (cimbus/generated_roots.hpp). A file is rewritten
// only when its content changes, so that an unchanged schema does not rebuild the model.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <xercesc/framework/XMLGrammarPoolImpl.hpp>
#include <xercesc/framework/psvi/XSModel.hpp>
#include <xercesc/parsers/XercesDOMParser.hpp>
#include <xercesc/sax/ErrorHandler.hpp>
#include <xercesc/sax/SAXParseException.hpp>
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/TransService.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include "emitter.hpp"
#include "roots_emitter.hpp"
#include "generator.hpp"
#include "manifest.hpp"

using namespace xercesc;
namespace fs = std::filesystem;

namespace {

std::string utf8(const XMLCh* text) {
  if (text == nullptr) return {};
  TranscodeToStr out(text, "UTF-8");
  return reinterpret_cast<const char*>(out.str());
}

// Schema errors stop the build with file, line and message.
class FailOnError : public ErrorHandler {
 public:
  void warning(const SAXParseException&) override {}
  void error(const SAXParseException& e) override { fail(e); }
  void fatalError(const SAXParseException& e) override { fail(e); }
  void resetErrors() override {}

 private:
  [[noreturn]] static void fail(const SAXParseException& e) {
    throw std::runtime_error(utf8(e.getSystemId()) + ":" + std::to_string(e.getLineNumber()) + ": " +
                             utf8(e.getMessage()));
  }
};

void write_if_changed(const fs::path& path, const std::string& content) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream current;
  current << in.rdbuf();
  if (in && current.str() == content) return;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

int run(const std::string& schema_root, const std::string& manifest_file, const std::string& out_dir,
        const std::string& roots_file) {
  std::vector<xsd2proto::ManifestEntry> entries = xsd2proto::read_manifest(manifest_file);
  auto* pool = new XMLGrammarPoolImpl(XMLPlatformUtils::fgMemoryManager);
  std::map<std::string, std::string> packages;
  std::vector<std::pair<std::string, std::string>> sources;  // namespace, xsd path
  {
    FailOnError errors;
    XercesDOMParser loader(nullptr, XMLPlatformUtils::fgMemoryManager, pool);
    loader.setErrorHandler(&errors);
    loader.setDoNamespaces(true);
    loader.setDoSchema(true);
    loader.setHandleMultipleImports(true);
    loader.setValidationSchemaFullChecking(true);
    for (const auto& entry : entries) {
      const std::string path = (fs::path(schema_root) / entry.xsd_path).string();
      Grammar* grammar = loader.loadGrammar(path.c_str(), Grammar::SchemaGrammarType, true);
      if (grammar == nullptr) throw std::runtime_error("cannot load " + path);
      const std::string ns = utf8(grammar->getTargetNamespace());
      auto [it, inserted] = packages.emplace(ns, entry.package);
      if (!inserted && it->second != entry.package)
        throw std::runtime_error(entry.xsd_path + ": namespace " + ns + " already maps to package " + it->second);
      sources.emplace_back(ns, entry.xsd_path);
    }
  }
  pool->lockPool();
  bool changed = false;
  XSModel* model = pool->getXSModel(changed);

  xsd2proto::Generator generator(packages);
  for (const auto& [ns, path] : sources) generator.add_source(ns, path);
  generator.generate(*model);
  for (const auto& [ns, file] : generator.files())
    write_if_changed(fs::path(out_dir) / file.path, xsd2proto::render(file));
  if (!roots_file.empty()) write_if_changed(roots_file, xsd2proto::render_roots(generator.files()));
  delete pool;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string schemas, manifest, out, roots;
  bool bad = argc % 2 == 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--schemas") schemas = argv[i + 1];
    else if (flag == "--manifest") manifest = argv[i + 1];
    else if (flag == "--out") out = argv[i + 1];
    else if (flag == "--roots") roots = argv[i + 1];
    else bad = true;
  }
  if (bad || schemas.empty() || manifest.empty() || out.empty()) {
    std::cerr << "usage: xsd2proto --schemas DIR --manifest FILE --out DIR [--roots FILE.cpp]\n";
    return 2;
  }
  XMLPlatformUtils::Initialize();
  int status = 1;
  try {
    status = run(schemas, manifest, out, roots);
  } catch (const std::exception& e) {
    std::cerr << "xsd2proto: " << e.what() << "\n";
  } catch (const XMLException& e) {
    std::cerr << "xsd2proto: " << utf8(e.getMessage()) << "\n";
  }
  XMLPlatformUtils::Terminate();
  return status;
}
