#pragma once
// Building JSON documents as protobuf Struct values (google/protobuf/struct.proto), written out by
// protobuf's JSON printer: the broker definitions (cimbus topology), the operations endpoint's
// answers. Escaping and number forms are the printer's.
//
//   Value v = json::object({{"name", json::text("oms.requests")}, {"durable", json::flag(true)}});
//
// Threading: free functions.

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/struct.pb.h>

namespace cimbus::json {

using google::protobuf::Struct;
using google::protobuf::Value;

inline Value text(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}

inline Value flag(bool b) {
  Value v;
  v.set_bool_value(b);
  return v;
}

inline Value number(double n) {
  Value v;
  v.set_number_value(n);
  return v;
}

inline Value object(std::initializer_list<std::pair<const char*, Value>> fields) {
  Value v;
  for (const auto& [key, value] : fields) (*v.mutable_struct_value()->mutable_fields())[key] = value;
  return v;
}

inline Value list(std::vector<Value> values) {
  Value v;
  v.mutable_list_value();
  for (Value& value : values) *v.mutable_list_value()->add_values() = std::move(value);
  return v;
}

inline Value strings(const std::vector<std::string>& values) {
  Value v;
  v.mutable_list_value();
  for (const std::string& s : values) *v.mutable_list_value()->add_values() = text(s);
  return v;
}

}  // namespace cimbus::json
