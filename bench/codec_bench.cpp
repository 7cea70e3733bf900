// IEC 61968-100 envelope codec against a bare Xerces-C SAX2 validating parse of the same bytes.
//
//   build/bin/cimbus_codec_bench [--lxml-peer bench/lxml_peer.py] [google benchmark flags]
//
// Families (each on a ~2 KB and a ~50 KB message):
//   xerces_sax2_validate  the baseline: SAX2, schema validation with the same cached grammar
//                         pool, no-op handlers, nothing built
//   cimbus_decode         XmlCodec::decode: validate, build the typed Envelope, envelope checks
//   cimbus_encode         XmlCodec::encode of the decoded Envelope
//   python3_lxml          (with --lxml-peer) lxml parse + XMLSchema validate, the peer stack

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include <benchmark/benchmark.h>
#include <xercesc/framework/MemBufInputSource.hpp>
#include <xercesc/sax2/DefaultHandler.hpp>
#include <xercesc/sax2/SAX2XMLReader.hpp>
#include <xercesc/sax2/XMLReaderFactory.hpp>
#include <xercesc/util/XMLUni.hpp>

#include "bench_messages.hpp"
#include "cimbus/schema_registry.hpp"
#include "cimbus/xml_codec.hpp"
#include "ratio_report.hpp"
#include "xerces_runtime.hpp"

namespace {

using namespace cimbus;
using namespace xercesc;

struct Case {
  const char* name;
  std::size_t bytes;
};
const Case kCases[] = {{"2KB", 2 * 1024}, {"50KB", 50 * 1024}};

const std::string& message_for(const Case& c) {
  static std::map<std::string, std::string> built;
  auto& xml = built[c.name];
  if (xml.empty()) xml = bench::envelope_message(c.bytes);
  return xml;
}

class CountingHandler : public DefaultHandler {
 public:
  void error(const SAXParseException&) override { ++errors; }
  void fatalError(const SAXParseException&) override { ++errors; }
  int errors = 0;
};

void xerces_sax2_validate(benchmark::State& state, const Case& c) {
  detail::ensure_xerces();
  const std::string& xml = message_for(c);
  auto grammars = SchemaRegistry::builtin()->grammars();
  std::unique_ptr<SAX2XMLReader> reader(
      XMLReaderFactory::createXMLReader(XMLPlatformUtils::fgMemoryManager, grammars->pool()));
  reader->setFeature(XMLUni::fgSAX2CoreNameSpaces, true);
  reader->setFeature(XMLUni::fgSAX2CoreValidation, true);
  reader->setFeature(XMLUni::fgXercesDynamic, false);
  reader->setFeature(XMLUni::fgXercesSchema, true);
  reader->setFeature(XMLUni::fgXercesUseCachedGrammarInParse, true);
  reader->setFeature(XMLUni::fgXercesCacheGrammarFromParse, false);
  reader->setFeature(XMLUni::fgXercesLoadSchema, false);
  CountingHandler handler;
  reader->setContentHandler(&handler);
  reader->setErrorHandler(&handler);
  for (auto _ : state) {
    MemBufInputSource input(reinterpret_cast<const XMLByte*>(xml.data()), xml.size(), "bench");
    reader->parse(input);
  }
  if (handler.errors != 0) state.SkipWithError("the baseline parse reported validation errors");
  state.counters["bytes_per_message"] = static_cast<double>(xml.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * xml.size()));
}

void cimbus_decode(benchmark::State& state, const Case& c) {
  const std::string& xml = message_for(c);
  XmlCodec codec;
  if (!codec.decode(xml).accepted()) {
    state.SkipWithError("the benchmark message is not accepted");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(codec.decode(xml));
  state.counters["bytes_per_message"] = static_cast<double>(xml.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * xml.size()));
}

void cimbus_encode(benchmark::State& state, const Case& c) {
  XmlCodec codec;
  DecodeResult decoded = codec.decode(message_for(c));
  if (!decoded.accepted()) {
    state.SkipWithError("the benchmark message is not accepted");
    return;
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string xml = codec.encode(decoded.envelope);
    bytes = xml.size();
    benchmark::DoNotOptimize(xml);
  }
  state.counters["bytes_per_message"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

// Runs the lxml peer on the same messages; it prints "<case> <seconds per message>" lines.
void run_lxml_peer(const std::string& script, bench::RatioReport& report) {
  const auto dir = std::filesystem::temp_directory_path() / ("cimbus-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string command = "/usr/bin/python3 " + script + " " + CIMBUS_SCHEMA_DIR "/message/Message.xsd";
  for (const Case& c : kCases) {
    const auto path = dir / (std::string(c.name) + ".xml");
    std::ofstream(path, std::ios::binary) << message_for(c);
    command += " " + std::string(c.name) + "=" + path.string();
  }
  std::fprintf(stderr, "running the lxml peer: %s\n", command.c_str());
  FILE* out = popen(command.c_str(), "r");
  char line[256];
  while (out && std::fgets(line, sizeof line, out)) {
    char name[64];
    double seconds = 0;
    if (std::sscanf(line, "%63s %lf", name, &seconds) != 2) continue;
    for (const Case& c : kCases)
      if (c.name == std::string(name)) report.add("python3_lxml/" + std::string(name), seconds, message_for(c).size());
  }
  const int status = out ? pclose(out) : -1;
  std::filesystem::remove_all(dir);
  if (status != 0) report.add_error("python3_lxml", "the peer script failed (is python3-lxml installed?)");
}

}  // namespace

int main(int argc, char** argv) {
  std::string lxml_peer;
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::string(argv[i]) == "--lxml-peer" && i + 1 < argc) {
      lxml_peer = argv[++i];
      continue;
    }
    args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark((std::string("xerces_sax2_validate/") + c.name).c_str(), xerces_sax2_validate, c);
    benchmark::RegisterBenchmark((std::string("cimbus_decode/") + c.name).c_str(), cimbus_decode, c);
    benchmark::RegisterBenchmark((std::string("cimbus_encode/") + c.name).c_str(), cimbus_encode, c);
  }
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
  bench::RatioReport report("xerces_sax2_validate", {{"cimbus_decode", 1.3}});
  benchmark::RunSpecifiedBenchmarks(&report);
  if (!lxml_peer.empty()) run_lxml_peer(lxml_peer, report);
  const bool ok = report.print_table();
  benchmark::Shutdown();
  return ok ? 0 : 1;
}
