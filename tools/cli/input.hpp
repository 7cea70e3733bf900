#pragma once
// Reading command inputs: a file, or standard input for "-".

#include <optional>
#include <string>

namespace cimbus::cli {

std::optional<std::string> read_input(const std::string& path, std::string* error);

}  // namespace cimbus::cli
