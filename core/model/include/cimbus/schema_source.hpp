#pragma once
// An XSD document held in memory, named by its path under schemas/.

#include <cstddef>
#include <string>
#include <vector>

namespace cimbus {

struct SchemaSource {
  std::string path;  // e.g. "message/Message.xsd"; imports without a namespace match resolve by it
  std::string text;

  // The schema's targetNamespace attribute (the first in the text); empty when it has none.
  std::string target_namespace() const {
    const std::string key = "targetNamespace=";
    const std::size_t at = text.find(key);
    if (at == std::string::npos || at + key.size() >= text.size()) return {};
    const char quote = text[at + key.size()];
    const std::size_t start = at + key.size() + 1;
    const std::size_t end = text.find(quote, start);
    return end == std::string::npos ? std::string() : text.substr(start, end - start);
  }
};

// The schemas compiled into cimbus: every *.xsd under the source tree's schemas/ directory.
const std::vector<SchemaSource>& builtin_schemas();

}  // namespace cimbus
