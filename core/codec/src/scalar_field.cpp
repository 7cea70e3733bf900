#include "scalar_field.hpp"

#include <cstdint>

#include "lexical.hpp"

namespace cimbus::detail {

using google::protobuf::FieldDescriptor;

const char* assign_scalar(google::protobuf::Message* message, const FieldMap& field, const std::string& text) {
  const FieldDescriptor* fd = field.field;
  const auto* r = field.owner_reflection;
  const bool repeated = fd->is_repeated();
  switch (fd->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (repeated) r->AddString(message, fd, text);
      else r->SetString(message, fd, text);
      return nullptr;
    case FieldDescriptor::CPPTYPE_BOOL: {
      auto v = parse_boolean(text);
      if (!v) return "boolean";
      if (repeated) r->AddBool(message, fd, *v);
      else r->SetBool(message, fd, *v);
      return nullptr;
    }
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64: {
      auto v = parse_integer(text);
      bool is32 = fd->cpp_type() == FieldDescriptor::CPPTYPE_INT32;
      if (!v || (is32 && (*v < INT32_MIN || *v > INT32_MAX))) return "integer in range";
      if (is32) repeated ? r->AddInt32(message, fd, static_cast<int32_t>(*v)) : r->SetInt32(message, fd, static_cast<int32_t>(*v));
      else repeated ? r->AddInt64(message, fd, *v) : r->SetInt64(message, fd, *v);
      return nullptr;
    }
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      auto v = parse_unsigned(text);
      bool is32 = fd->cpp_type() == FieldDescriptor::CPPTYPE_UINT32;
      if (!v || (is32 && *v > UINT32_MAX)) return "unsigned integer in range";
      if (is32) repeated ? r->AddUInt32(message, fd, static_cast<uint32_t>(*v)) : r->SetUInt32(message, fd, static_cast<uint32_t>(*v));
      else repeated ? r->AddUInt64(message, fd, *v) : r->SetUInt64(message, fd, *v);
      return nullptr;
    }
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      auto v = parse_double(text);
      if (!v) return "number";
      if (fd->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT)
        repeated ? r->AddFloat(message, fd, static_cast<float>(*v)) : r->SetFloat(message, fd, static_cast<float>(*v));
      else repeated ? r->AddDouble(message, fd, *v) : r->SetDouble(message, fd, *v);
      return nullptr;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      auto it = field.literal_to_number.find(text);
      if (it == field.literal_to_number.end()) return "enumeration literal";
      if (repeated) r->AddEnumValue(message, fd, it->second);
      else r->SetEnumValue(message, fd, it->second);
      return nullptr;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return nullptr;
  }
  return nullptr;
}

}  // namespace cimbus::detail
