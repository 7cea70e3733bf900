#include "runtime_log.hpp"

namespace cimbus::adapter::detail {

void RuntimeLog::warn_once(const std::string& text) { warn_once(text, text); }

void RuntimeLog::warn_once(const std::string& key, const std::string& text) {
  {
    sync::Lock lock(mutex_);
    if (!logged_.insert(key).second) return;
  }
  log_.warn(text);
}

}  // namespace cimbus::adapter::detail
