#include "cimbus/runtime/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

void write_secret_file(const std::string& path, const std::string& secret) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0 || ::fchmod(fd, 0600) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot write " + path + " (" + std::strerror(errno) + ")");
  }
  const std::string line = secret + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) throw std::runtime_error("cannot write " + path);
}

}  // namespace cimbus::adapter
