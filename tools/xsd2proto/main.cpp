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
#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/validators/common/Grammar.hpp>

#include <CLI/CLI.hpp>

#include "cimbus/xerces/throw_on_error.hpp"
#include "cimbus/xerces/utf16.hpp"
#include "emitter.hpp"
#include "roots_emitter.hpp"
#include "generator.hpp"
#include "manifest.hpp"

using namespace xercesc;
using cimbus::xerces::utf8;
namespace fs = std::filesystem;

namespace {

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
    cimbus::xerces::ThrowOnError errors;  // schema errors stop the build with file, line and message
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
  CLI::App app{"xsd2proto: the project's XSDs -> .proto files (and the table of global elements)"};
  app.add_option("--schemas", schemas, "the folder the manifest's XSD paths are relative to")->required();
  app.add_option("--manifest", manifest, "the XSDs to load and the protobuf package of each")->required();
  app.add_option("--out", out, "where the .proto files are written")->required();
  app.add_option("--roots", roots, "also write the C++ table of global elements to this file");
  CLI11_PARSE(app, argc, argv);
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
