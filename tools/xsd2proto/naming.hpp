#pragma once
// Identifier rules for generated .proto files: XML names become protobuf names that compile in
// every language protoc targets, and stay unique in their scope.

#include <set>
#include <string>

namespace xsd2proto {

// "MessageID" -> "message_id", "mRID" -> "m_rid", "operationId" -> "operation_id".
std::string snake_case(const std::string& xml_name);

// Any string -> a protobuf identifier: invalid characters become '_', a leading digit gets '_'.
std::string identifier(const std::string& text);

// Identifiers that compile as protobuf but break generated C++ (keywords are handled by protoc;
// these are macros from system headers and members of every generated message class).
bool is_unsafe_cpp_name(const std::string& name);

// Returns `wanted`, or `wanted_2`, `wanted_3`, ... whichever is not yet in `taken`; records it.
// `name` upper-cased without underscores: the key under which protoc compares enum value names.
std::string folded(const std::string& name);
std::string claim_unique(std::set<std::string>& taken, const std::string& wanted);

// Quotes a string as a protobuf string literal.
std::string quoted(const std::string& text);

}  // namespace xsd2proto
