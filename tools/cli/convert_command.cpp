// cimbus convert [--policy P] [--from xml|json|binary] --to xml|json|binary FILE
//
// XML is validated on the way in and on the way out: the output of --to xml is decoded again
// under the same policy before it is printed.

#include <iostream>
#include <memory>

#include "cimbus/codec/message_forms.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "commands.hpp"
#include "input.hpp"

namespace cimbus::cli {

namespace {

struct ConvertArgs {
  std::string policy = "strict";
  std::string from = "xml";
  std::string to;
  std::string file;
};

void print(const std::string& file, const Diagnostics& diagnostics) {
  for (const Diagnostic& d : diagnostics)
    std::cerr << file << ": " << d.code << " " << to_string(d.level) << " " << (d.path.empty() ? "/" : d.path) << ": "
              << d.reason << (d.detail.empty() ? "" : " (" + d.detail + ")") << "\n";
}

int run_convert(const ConvertArgs& args) {
  CodecOptions options;
  options.policy = *parse_validation_policy(args.policy);
  XmlCodec codec(options);
  std::string error;
  auto bytes = read_input(args.file, &error);
  if (!bytes) {
    std::cerr << args.file << ": cannot read: " << error << "\n";
    return 1;
  }
  std::optional<Envelope> envelope;
  if (args.from == "xml") {
    DecodeResult result = codec.decode(*bytes);
    print(args.file, result.diagnostics);
    if (!result.accepted()) return 1;
    envelope = std::move(result.envelope);
  } else if (args.from == "json") {
    envelope = from_json(*bytes, &error);
    if (!envelope) std::cerr << args.file << ": not an Envelope in JSON: " << error << "\n";
  } else {
    envelope = from_binary(*bytes);
    if (!envelope) std::cerr << args.file << ": not an Envelope in protobuf binary\n";
  }
  if (!envelope) return 1;

  if (args.to == "json") {
    std::cout << to_json(*envelope) << "\n";
  } else if (args.to == "binary") {
    std::cout << to_binary(*envelope);
  } else {
    std::string xml;
    try {
      xml = codec.encode(*envelope, {true, true});
    } catch (const EncodeError& e) {
      std::cerr << args.file << ": cannot encode: " << e.what() << "\n";
      return 1;
    }
    DecodeResult check = codec.decode(xml);
    if (!check.accepted()) {
      std::cerr << args.file << ": the encoded XML does not validate:\n";
      print(args.file, check.diagnostics);
      return 1;
    }
    std::cout << xml;
  }
  return 0;
}

}  // namespace

Command add_convert_command(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert a message between XML, protobuf JSON and protobuf binary");
  cmd->add_option("--policy", args->policy, "Validation of XML input: strict, lenient or off")
      ->check(CLI::IsMember({"strict", "lenient", "off"}))
      ->capture_default_str();
  cmd->add_option("--from", args->from, "Input form")->check(CLI::IsMember({"xml", "json", "binary"}))->capture_default_str();
  cmd->add_option("--to", args->to, "Output form")->check(CLI::IsMember({"xml", "json", "binary"}))->required();
  cmd->add_option("file", args->file, "Input file (- for standard input)")->required();
  return [cmd, args] { return cmd->parsed() ? run_convert(*args) : -1; };
}

}  // namespace cimbus::cli
