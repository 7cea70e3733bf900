// cimbus validate [--policy strict|lenient|off] [--reply] FILE...
//
// One line per finding: "FILE: CODE LEVEL PATH: reason". Exit 0 when every file is accepted
// (warnings allowed), 1 otherwise.

#include <iostream>
#include <memory>

#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "commands.hpp"
#include "input.hpp"

namespace cimbus::cli {

namespace {

struct ValidateArgs {
  std::string policy = "strict";
  bool reply = false;
  std::vector<std::string> files;
};

int run_validate(const ValidateArgs& args) {
  CodecOptions options;
  options.policy = *parse_validation_policy(args.policy);
  XmlCodec codec(options);
  int status = 0;
  for (const std::string& file : args.files) {
    std::string error;
    auto bytes = read_input(file, &error);
    if (!bytes) {
      std::cout << file << ": cannot read: " << error << "\n";
      status = 1;
      continue;
    }
    DecodeResult result = codec.decode(*bytes);
    for (const Diagnostic& d : result.diagnostics) {
      std::cout << file << ": " << d.code << " " << to_string(d.level) << " " << (d.path.empty() ? "/" : d.path)
                << ": " << d.reason;
      if (!d.detail.empty()) std::cout << " (" << d.detail << ")";
      std::cout << "\n";
    }
    if (result.accepted()) {
      const auto& h = result.envelope.message().header();
      std::cout << file << ": accepted";
      if (h.has_verb()) std::cout << " (" << to_literal(h.verb()) << " " << h.noun() << ")";
      std::cout << "\n";
    } else {
      status = 1;
      if (args.reply) std::cout << codec.encode(answer_rejection(result), {true, true});
    }
  }
  return status;
}

}  // namespace

Command add_validate_command(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "Validate IEC 61968-100 messages; one line per finding");
  cmd->add_option("--policy", args->policy, "strict, lenient or off")
      ->check(CLI::IsMember({"strict", "lenient", "off"}))
      ->capture_default_str();
  cmd->add_flag("--reply", args->reply, "Also print the FAILED reply or FaultMessage cimbus would send");
  cmd->add_option("files", args->files, "XML files (- for standard input)")->required();
  return [cmd, args] { return cmd->parsed() ? run_validate(*args) : -1; };
}

}  // namespace cimbus::cli
