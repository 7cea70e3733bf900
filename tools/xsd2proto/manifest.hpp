#pragma once
// schemas/manifest.txt: which XSD files make the model, and the protobuf package of each one's
// target namespace. One line per file: "<path relative to the schema root> <package>".

#include <string>
#include <vector>

namespace xsd2proto {

struct ManifestEntry {
  std::string xsd_path;
  std::string package;
};

std::vector<ManifestEntry> read_manifest(const std::string& file);

// "cimbus.msg" -> "cimbus/msg.proto"
std::string proto_path_for_package(const std::string& package);

}  // namespace xsd2proto
