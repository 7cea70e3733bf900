#include "input.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace cimbus::cli {

std::optional<std::string> read_input(const std::string& path, std::string* error) {
  std::ostringstream content;
  if (path == "-") {
    content << std::cin.rdbuf();
    return content.str();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    *error = "it is a directory; give its files (e.g. " + path + "/*.xml)";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::strerror(errno);
    return std::nullopt;
  }
  content << in.rdbuf();
  return content.str();
}

}  // namespace cimbus::cli
