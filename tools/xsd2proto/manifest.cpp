#include "manifest.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace xsd2proto {

std::vector<ManifestEntry> read_manifest(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read manifest " + file);
  std::vector<ManifestEntry> entries;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    ManifestEntry entry;
    if (!(words >> entry.xsd_path)) continue;
    std::string extra;
    if (!(words >> entry.package) || (words >> extra))
      throw std::runtime_error(file + ":" + std::to_string(number) +
                               ": expected \"<xsd path> <proto package>\"");
    entries.push_back(entry);
  }
  return entries;
}

std::string proto_path_for_package(const std::string& package) {
  std::string path = package;
  for (char& c : path)
    if (c == '.') c = '/';
  return path + ".proto";
}

}  // namespace xsd2proto
