#include "cimbus/xerces/throw_on_error.hpp"

#include <stdexcept>

#include "cimbus/xerces/utf16.hpp"

namespace cimbus::xerces {

void ThrowOnError::fail(const xercesc::SAXParseException& e) const {
  const std::string id = utf8(e.getSystemId());
  throw std::runtime_error((where_ ? where_(id) : id) + ":" + std::to_string(e.getLineNumber()) + ": " + utf8(e.getMessage()));
}

}  // namespace cimbus::xerces
