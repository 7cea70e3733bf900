#pragma once
// Thrown by XmlCodec::encode when a message cannot be written as valid XML.

#include <stdexcept>
#include <string>

namespace cimbus {

class EncodeError : public std::runtime_error {
 public:
  EncodeError(std::string path, const std::string& reason)
      : std::runtime_error(path + ": " + reason), path_(std::move(path)) {}
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace cimbus
