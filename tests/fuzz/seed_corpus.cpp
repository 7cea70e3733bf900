// cimbus-fuzz-seeds OUT FILE...: the seed corpus of every harness, made from real messages
// (tests/data, ../shared/reference): each XML message in each harness's input form, under
// OUT/<harness>/. scripts/fuzz runs it before the harnesses; libFuzzer mutates from there.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/codec/compressed_payload.hpp"
#include "cimbus/codec/message_forms.hpp"
#include "cimbus/codec/verb.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/json/json_message.hpp"
#include "cimbus/web_services/soap_envelope.hpp"
#include "proton_form.hpp"

namespace fs = std::filesystem;
using namespace cimbus;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class Corpus {
 public:
  explicit Corpus(fs::path root) : root_(std::move(root)) {}
  void add(const std::string& harness, const std::string& name, const std::string& bytes) {
    fs::create_directories(root_ / harness);
    std::ofstream(root_ / harness / name, std::ios::binary) << bytes;
    ++count_;
  }
  int count() const { return count_; }

 private:
  fs::path root_;
  int count_ = 0;
};

// A request's payload objects as the operations of an execute request of the same noun.
std::string as_operation_set(XmlCodec& codec, const Envelope& request) {
  Envelope e;
  e.set_archetype(Envelope::REQUEST_MESSAGE);
  auto* h = e.mutable_message()->mutable_header();
  h->set_verb(msg::HeaderType_Verb::execute);
  h->set_noun(request.message().header().noun() + "OperationSet");
  h->set_message_id("3f0c9d4e-1a2b-4c5d-8e7f-9a0b1c2d3e4f");
  auto* set = e.mutable_message()->mutable_payload()->mutable_operation_set();
  set->set_enforce_msg_sequence(true);
  set->set_enforce_transactional_integrity(true);
  std::int64_t id = 1;
  for (const auto& object : request.payload_objects()) {
    auto* op = set->add_operation();
    op->set_operation_id(id++);
    op->set_noun(request.message().header().noun());
    op->set_verb(to_literal(request.message().header().verb()));
    op->set_any(codec.encode_object(object));
  }
  return codec.encode(e);
}

void seed(Corpus& corpus, XmlCodec& codec, const fs::path& file) {
  const std::string xml = read_file(file);
  const std::string name = file.stem().string();
  corpus.add("xml_decoder", name, xml);
  corpus.add("schema_validator", name, xml);
  corpus.add("decoder_differential", name, xml);
  corpus.add("operation_set", name, xml);
  DecodeResult read = codec.decode(xml);
  const bool soap = !read.soap_namespace.empty();
  corpus.add("soap_request", name, soap ? "text/xml\n\n" + xml : "text/xml\n\n" + web_services::soap_envelope(web_services::SoapVersion::soap11, xml));
  if (!soap) corpus.add("soap_request", name + ".soap12", "application/soap+xml\n\n" + web_services::soap_envelope(web_services::SoapVersion::soap12, xml));
  if (read.status == DecodeResult::Status::unreadable) return;
  const Envelope& e = read.envelope;
  const auto& h = e.message().header();
  corpus.add("json_decoder", name, to_json(e));
  corpus.add("binary_decoder", name, to_binary(e));
  const std::vector<char> wire = bus::to_proton(bus::to_amqp_message(e, xml)).encode();
  corpus.add("amqp_message", name, std::string(wire.begin(), wire.end()));
  if (e.payload_objects_size() > 0) {
    const std::string payload = codec.encode_object(e.payload_objects(0));
    corpus.add("compressed_payload", name, payload);
    corpus.add("compressed_payload", name + ".base64", compress_payload(payload));
    if (!is_event_verb(h.verb()) && h.verb() != msg::HeaderType_Verb::reply && h.verb() != msg::HeaderType_Verb::execute)
      corpus.add("operation_set", name + ".set", as_operation_set(codec, e));
  }
  if (e.archetype() == Envelope::RESPONSE_MESSAGE)
    corpus.add("json_request", name, h.noun() + " reply\n" + json::reply_to_json(e));
  else
    corpus.add("json_request", name, h.noun() + " " + to_literal(h.verb()) + "\n" + json::to_json_message(e));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: cimbus-fuzz-seeds OUT FILE...\n";
    return 2;
  }
  Corpus corpus(argv[1]);
  XmlCodec codec({ValidationPolicy::lenient, {}});
  for (int i = 2; i < argc; ++i) {
    try {
      seed(corpus, codec, argv[i]);
    } catch (const std::exception& e) {
      std::cerr << "cimbus-fuzz-seeds: " << argv[i] << ": " << e.what() << "\n";
    }
  }
  std::cout << corpus.count() << " seeds from " << (argc - 2) << " messages\n";
  return 0;
}
