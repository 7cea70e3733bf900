// cimbus-adapter: starts the role executable that a configuration's "system" names (cimbus-cis,
// cimbus-oms, cimbus-wms, next to this program), with the same arguments, so that one systemd
// unit template serves every configuration file:
//
//   cimbus-adapter [--log-format json] /etc/cimbus/oms.json    # runs cimbus-oms with them

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cimbus/runtime/config_file.hpp"

int main(int argc, char** argv) {
  std::string config;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << "usage: cimbus-adapter [ROLE OPTIONS] CONFIG.json\n"
                   "  Runs cimbus-<system> (the configuration's \"system\": cis, oms, wms) with the same arguments.\n";
      return 0;
    }
    if (arg == "--log-format" || arg == "--log-level") ++i;  // the role's options with a value
    else if (arg.rfind("-", 0) != 0) config = arg;
  }
  if (config.empty()) {
    std::cerr << "usage: cimbus-adapter [--log-format text|json] [--log-level LEVEL] CONFIG.json\n";
    return 2;
  }
  std::string system;
  try {
    system = cimbus::adapter::load_adapter_config(config).system();
  } catch (const std::exception& e) {
    std::cerr << "cimbus-adapter: " << e.what() << "\n";
    return 2;
  }
  if (system != "cis" && system != "oms" && system != "wms") {
    std::cerr << "cimbus-adapter: " << config << ": system '" << system << "' has no role executable (cis, oms, wms)\n";
    return 2;
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string role = (ec ? std::filesystem::path("/usr/bin") : self.parent_path()) / ("cimbus-" + system);
  std::vector<char*> args;
  args.push_back(const_cast<char*>(role.c_str()));
  for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  execv(role.c_str(), args.data());
  std::cerr << "cimbus-adapter: cannot run " << role << ": " << std::strerror(errno) << "\n";
  return 1;
}
