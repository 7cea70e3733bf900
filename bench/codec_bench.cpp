// The XML codec against a bare Xerces-C SAX2 validating parse of the same bytes.
//
//   build/bin/cimbus_codec_bench [--lxml-peer bench/lxml_peer.py] [--summary FILE] [google benchmark flags]
//
// Messages: the envelope alone (~2 KB, ~50 KB: every Header field, a payload in a namespace
// cimbus has no schema for, carried as XML), create ServiceOrders of ~2 KB, ~20 KB and ~50 KB
// (generic RequestMessage) and a ~3 KB CreateTroubleTickets (typed wrapper). Families:
//   xerces_sax2_validate  the baseline: SAX2, schema validation with the same cached grammar
//                         pool (payload schemas included), no-op handlers, nothing built
//   cimbus_decode         XmlCodec::decode: validate, build the Envelope and the typed payload (the fast path, decisions/0035)
//                         object (generated type), envelope checks
//   cimbus_encode         XmlCodec::encode of the decoded Envelope
//   cimbus_tokenize       the decoder's tokenizer alone (decisions/0034): well-formedness
//                         and namespaces, nothing validated or built
//   cimbus_validate       the decoder's validator (decisions/0034): a verdict against the
//                         same grammars, nothing built
//   protobuf_serialize    the decoded typed payload object to protobuf binary
//   protobuf_parse        protobuf binary back into the typed payload object
//   python3_lxml          (with --lxml-peer) lxml parse + XMLSchema validate with the same
//                         schemas (envelope, payloads, wrappers), the peer stack; with
//                         --benchmark_repetitions=N, the fastest of N interleaved rounds, as
//                         every other figure is then the fastest of N repetitions

#include <algorithm>
#include <cstdio>
#include "grammar_set.hpp"
#include <cstdlib>
#include <cstring>
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
#include "cimbus/codec/payload_object.hpp"
#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "ratio_report.hpp"
#include "schema_validator.hpp"
#include "xml_tokenizer.hpp"
#include "target_summary.hpp"
#include "xerces_runtime.hpp"

namespace {

using namespace cimbus;
using namespace xercesc;

struct Case {
  const char* name;
  std::size_t bytes;
  std::string (*make)(std::size_t);
};
const Case kCases[] = {{"Envelope2KB", 2 * 1024, bench::untyped_payload_message},
                       {"Envelope50KB", 50 * 1024, bench::untyped_payload_message},
                       {"ServiceOrders2KB", 2 * 1024, bench::service_orders_message},
                       {"TroubleTickets3KB", 3 * 1024, bench::trouble_tickets_message},
                       {"ServiceOrders20KB", 20 * 1024, bench::service_orders_message},
                       {"ServiceOrders50KB", 50 * 1024, bench::service_orders_message}};

const std::string& message_for(const Case& c) {
  static std::map<std::string, std::string> built;
  auto& xml = built[c.name];
  if (xml.empty()) xml = c.make(c.bytes);
  return xml;
}

// The typed payload object of a case's message, decoded once.
std::unique_ptr<google::protobuf::Message> payload_object(const Case& c) {
  XmlCodec codec;
  DecodeResult decoded = codec.decode(message_for(c));
  if (!decoded.accepted() || decoded.envelope.payload_objects_size() != 1) return nullptr;  // untyped
  return unpack_object(decoded.envelope.payload_objects(0));
}

void protobuf_serialize(benchmark::State& state, const Case& c) {
  auto object = payload_object(c);
  if (!object) return state.SkipWithError("the benchmark message has no typed payload");
  std::string binary;
  for (auto _ : state) {
    binary.clear();
    object->SerializeToString(&binary);
    benchmark::DoNotOptimize(binary);
  }
  state.counters["bytes_per_message"] = static_cast<double>(binary.size());
}

void protobuf_parse(benchmark::State& state, const Case& c) {
  auto object = payload_object(c);
  if (!object) return state.SkipWithError("the benchmark message has no typed payload");
  const std::string binary = object->SerializeAsString();
  for (auto _ : state) {
    object->Clear();
    if (!object->ParseFromString(binary)) return state.SkipWithError("protobuf parse failed");
  }
  state.counters["bytes_per_message"] = static_cast<double>(binary.size());
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

// The decoder's ground floor alone (decisions/0034): well-formedness and namespaces, no
// validation and nothing built. What it costs bounds what the generated validator may add.
void cimbus_tokenize(benchmark::State& state, const Case& c) {
  const std::string& xml = message_for(c);
  const DecodeLimits limits;
  for (auto _ : state) {
    detail::XmlTokenizer t(xml, limits);
    std::size_t events = 0;
    for (detail::XmlTokenizer::Event e; (e = t.next()) != detail::XmlTokenizer::Event::done;) {
      if (e == detail::XmlTokenizer::Event::fault) {
        state.SkipWithError(("the tokenizer refuses the benchmark message: " + t.fault()).c_str());
        return;
      }
      ++events;
    }
    benchmark::DoNotOptimize(events);
  }
  state.counters["bytes_per_message"] = static_cast<double>(xml.size());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * xml.size()));
}

// The decoder's validator (decisions/0034): the tokenizer, content models, simple types
// and attributes against the same grammars, a verdict and nothing built.
void cimbus_validate(benchmark::State& state, const Case& c) {
  const std::string& xml = message_for(c);
  const auto grammars = SchemaRegistry::builtin()->grammars();
  detail::SchemaValidator validator(grammars->model());
  const DecodeLimits limits;
  if (const auto v = validator.validate(xml, limits); v.kind != detail::SchemaValidator::Verdict::Kind::valid) {
    state.SkipWithError(("the validator does not find the benchmark message valid: " + v.reason).c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(validator.validate(xml, limits));
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

// Runs the lxml peer on the same messages, in `rounds` rounds; it prints "<case> <seconds per
// message>" lines.
void run_lxml_peer(const std::string& script, int rounds, bench::RatioReport& report) {
  const auto dir = std::filesystem::temp_directory_path() / ("cimbus-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  // One schema that imports the envelope, every payload schema and the TroubleTickets wrappers
  // (which cimbus makes at run time), so that lxml validates exactly what cimbus validates.
  auto registry = SchemaRegistry::builtin();
  std::string driver = "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
                       "  <xs:import namespace=\"http://iec.ch/TC57/2011/schema/message\" schemaLocation=\"" CIMBUS_SCHEMA_DIR
                       "/message/Message.xsd\"/>\n";
  for (const PayloadType& p : registry->payload_types()) {
    const bool part6 = p.ns.find("Orders#") != std::string::npos || p.ns.find("WorkRequests#") != std::string::npos;
    driver += "  <xs:import namespace=\"" + p.ns + "\" schemaLocation=\"" CIMBUS_SCHEMA_DIR "/" +
              (part6 ? "work/" : "customer/") + p.element + ".xsd\"/>\n";
  }
  WrapperName wrapper;
  wrapper.noun = "TroubleTickets";
  const std::string wrapper_ns = "http://iec.ch/TC57/2015/TroubleTicketsMessage";
  std::ofstream(dir / "wrapper.xsd") << SchemaRegistry::wrapper_schema(wrapper_ns, wrapper,
                                                                       registry->payload_type_for_noun("TroubleTickets"));
  driver += "  <xs:import namespace=\"" + wrapper_ns + "\" schemaLocation=\"" + (dir / "wrapper.xsd").string() + "\"/>\n";
  driver += "</xs:schema>\n";
  std::ofstream(dir / "driver.xsd") << driver;
  std::string command = "/usr/bin/python3 " + script + " --rounds " + std::to_string(rounds) + " " + (dir / "driver.xsd").string();
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

// The codec's targets in scripts/bench's closing table: per message, decoding at least as fast as
// the lxml peer, within its ratio of a bare validating parse, and encoding in a third of one.
void add_targets(const bench::RatioReport& report, const bench::TargetSummary& summary) {
  for (const Case& c : kCases) {
    const std::string name = c.name;
    const double parse = report.seconds_per_message("xerces_sax2_validate/" + name);
    const double decode = report.seconds_per_message("cimbus_decode/" + name);
    const double encode = report.seconds_per_message("cimbus_encode/" + name);
    const double lxml = report.seconds_per_message("python3_lxml/" + name);
    if (lxml > 0 && decode > 0)
      summary.add("decode " + name + ": msg/s / lxml's", ">= 1.00", bench::format("%.2f", lxml / decode), decode <= lxml);
    else
      summary.add("decode " + name + ": msg/s / lxml's", ">= 1.00", "no figure", false);
    for (const auto& [what, seconds] : {std::pair<std::string, double>{"decode", decode}, {"encode", encode}}) {
      const double max = report.max_ratio("cimbus_" + what + "/" + name);
      const std::string target = what + " " + name + ": time / a validating parse's";
      if (parse > 0 && seconds > 0)
        summary.add(target, bench::format("<= %.2f", max), bench::format("%.2f", seconds / parse), seconds / parse <= max);
      else
        summary.add(target, bench::format("<= %.2f", max), "no figure", false);
    }
  }
}

int main(int argc, char** argv) {
  std::string lxml_peer, summary_file;
  int repetitions = 1;  // Google Benchmark's, seen on the way: the peer measures as many rounds
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::string(argv[i]).rfind("--benchmark_repetitions=", 0) == 0)
      repetitions = std::max(1, std::atoi(argv[i] + std::strlen("--benchmark_repetitions=")));
    if (std::string(argv[i]) == "--lxml-peer" && i + 1 < argc) {
      lxml_peer = argv[++i];
      continue;
    }
    if (std::string(argv[i]) == "--summary" && i + 1 < argc) {
      summary_file = argv[++i];
      continue;
    }
    args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  std::vector<std::string> names;  // as registered: the table's order
  const auto add = [&names](const std::string& family, const Case& c, auto run) {
    names.push_back(family + "/" + c.name);
    // With repetitions, the fastest of them is the figure (RatioReport): on a shared machine other
    // processes only ever add time, to any of the families alike.
    benchmark::RegisterBenchmark(names.back().c_str(), run, c)->ComputeStatistics("min", [](const std::vector<double>& v) {
      return *std::min_element(v.begin(), v.end());
    });
  };
  for (const Case& c : kCases) {
    add("xerces_sax2_validate", c, xerces_sax2_validate);
    add("cimbus_decode", c, cimbus_decode);
    add("cimbus_encode", c, cimbus_encode);
    add("cimbus_tokenize", c, cimbus_tokenize);
    add("cimbus_validate", c, cimbus_validate);
    if (c.make == bench::untyped_payload_message) continue;  // no typed object to serialize
    add("protobuf_serialize", c, protobuf_serialize);
    add("protobuf_parse", c, protobuf_parse);
  }
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
  // Targets: the envelope codec (payload of a schema cimbus does not have, carried as XML) at
  // most 1.3x the validating parse alone; with the payload decoded into its type, 1.5x; encoding
  // at least 3 times faster than that parse.
  bench::RatioReport report("xerces_sax2_validate",
                            {{"cimbus_decode", "Envelope", 1.3}, {"cimbus_decode", "", 1.5}, {"cimbus_encode", "", 1.0 / 3}});
  report.order_as(names);
  benchmark::RunSpecifiedBenchmarks(&report);
  if (!lxml_peer.empty()) run_lxml_peer(lxml_peer, repetitions, report);
  const bool ok = report.print_table();
  add_targets(report, bench::TargetSummary(summary_file));
  benchmark::Shutdown();
  return ok ? 0 : 1;
}
