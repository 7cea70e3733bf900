#pragma once
// The global elements of the schemas in schemas/manifest.txt and the protobuf types generated
// for them (the table is written by tools/xsd2proto at build time). The schema registry looks
// payload types up here; nothing else in cimbus names a generated payload type.

#include <vector>

#include <google/protobuf/descriptor.h>

namespace cimbus {

struct GeneratedRoot {
  const char* ns;     // the element's target namespace
  const char* local;  // its local name
  const google::protobuf::Descriptor* (*descriptor)();
};

const std::vector<GeneratedRoot>& generated_roots();

}  // namespace cimbus
