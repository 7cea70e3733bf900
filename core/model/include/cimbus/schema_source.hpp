#pragma once
// An XSD document held in memory, named by its path under schemas/.

#include <string>
#include <vector>

namespace cimbus {

struct SchemaSource {
  std::string path;  // e.g. "message/Message.xsd"; imports without a namespace match resolve by it
  std::string text;
};

// The schemas compiled into cimbus: every *.xsd under the source tree's schemas/ directory.
const std::vector<SchemaSource>& builtin_schemas();

}  // namespace cimbus
