#include "runtime_log.hpp"

namespace cimbus::adapter::detail {

void RuntimeLog::warn_once(const std::string& text) {
  {
    sync::Lock lock(mutex_);
    if (!logged_.insert(text).second) return;
  }
  log_.warn(text);
}

}  // namespace cimbus::adapter::detail
