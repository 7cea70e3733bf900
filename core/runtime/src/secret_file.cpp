#include "cimbus/runtime/secret_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace cimbus::adapter {

std::string read_secret_file(const std::string& path, const std::string& what) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    throw std::invalid_argument(what + ": cannot read " + path + " (" + std::strerror(errno) + ")");
  if ((info.st_mode & 0077) != 0) {
    const unsigned mode = info.st_mode & 0777;
    throw std::invalid_argument(what + ": " + path + " may be read by others (mode 0" + std::to_string((mode >> 6) & 7) +
                                std::to_string((mode >> 3) & 7) + std::to_string(mode & 7) + "): chmod 600 it");
  }
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) throw std::invalid_argument(what + ": " + path + " is empty or cannot be read");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) throw std::invalid_argument(what + ": the first line of " + path + " is empty");
  return line;
}

}  // namespace cimbus::adapter
