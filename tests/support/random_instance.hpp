#pragma once
// Seeded pseudo-random instances of any generated payload type, made from its descriptor and
// the XML mapping options alone: every value is valid for the type's XSD (UUID mRIDs, lexical
// dateTime/date, enumeration literals, XML-safe text with markup characters and non-ASCII).

#include <cstdint>
#include <memory>

#include <google/protobuf/message.h>

namespace cimbus::test {

struct InstanceOptions {
  bool every_field = false;      // true: every optional element and attribute is present
  unsigned max_repeat = 3;       // repeated elements get 1..max_repeat values
  unsigned max_depth = 12;       // below this, only mandatory content
};

std::unique_ptr<google::protobuf::Message> random_instance(const google::protobuf::Descriptor* type,
                                                           std::uint64_t seed, const InstanceOptions& options = {});

}  // namespace cimbus::test
