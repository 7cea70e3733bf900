#pragma once
// Prints the C++ table of generated root types (core/include/cimbus/generated_roots.hpp): for
// every global element with complex content, its namespace, local name and generated message.
// Taking each type's descriptor function also links its .pb.o into every program that uses
// the table, so that the types are in the generated descriptor pool.

#include <map>
#include <string>

#include "proto_model.hpp"

namespace xsd2proto {

std::string render_roots(const std::map<std::string, ProtoFile>& files);

}  // namespace xsd2proto
