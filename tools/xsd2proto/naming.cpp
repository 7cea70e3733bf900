#include "naming.hpp"

#include <cctype>
#include <cstdio>

namespace xsd2proto {

namespace {
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
}  // namespace

std::string snake_case(const std::string& xml_name) {
  std::string out;
  for (size_t i = 0; i < xml_name.size(); ++i) {
    char c = xml_name[i];
    if (is_upper(c) && i > 0) {
      char prev = xml_name[i - 1];
      bool next_lower = i + 1 < xml_name.size() && xml_name[i + 1] >= 'a' && xml_name[i + 1] <= 'z';
      // A word starts after a lower-case letter or digit, or at the last capital of an acronym.
      if (is_lower_or_digit(prev) || (is_upper(prev) && next_lower)) out += '_';
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return identifier(out);
}

std::string identifier(const std::string& text) {
  std::string out;
  for (unsigned char c : text) out += std::isalnum(c) || c == '_' ? static_cast<char>(c) : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(out.begin(), '_');
  return out;
}

bool is_unsafe_cpp_name(const std::string& name) {
  static const std::set<std::string> unsafe = {
      // macros from glibc and libstdc++ headers that generated code includes
      "major", "minor", "makedev", "linux", "unix", "errno", "stdin", "stdout", "stderr", "assert",
      "EOF", "NULL", "TRUE", "FALSE", "DOMAIN", "INFINITY", "NAN", "BIG_ENDIAN", "LITTLE_ENDIAN",
      // members of every generated message class
      "descriptor", "default_instance", "internal_default_instance", "GetDescriptor",
      "GetReflection", "GetMetadata", "Swap", "New", "Clear", "CopyFrom", "MergeFrom",
      "IsInitialized", "ByteSizeLong", "Value", "Value_descriptor", "Value_Name", "Value_Parse",
      "Value_IsValid", "Value_MIN", "Value_MAX", "Value_ARRAYSIZE"};
  return unsafe.count(name) != 0;
}

std::string folded(const std::string& name) {
  std::string out;
  for (char c : name)
    if (c != '_') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string claim_unique(std::set<std::string>& taken, const std::string& wanted) {
  std::string name = wanted;
  for (int n = 2; taken.count(name) != 0; ++n) name = wanted + "_" + std::to_string(n);
  taken.insert(name);
  return name;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace xsd2proto
