#include "xerces_runtime.hpp"

#include <xercesc/util/PlatformUtils.hpp>

namespace cimbus::detail {

void ensure_xerces() {
  static const bool initialised = [] {
    xercesc::XMLPlatformUtils::Initialize();
    return true;
  }();
  (void)initialised;
}

}  // namespace cimbus::detail
