#include "runtime_log.hpp"

namespace cimbus::adapter::detail {

void RuntimeLog::warn_once(const std::string& text) { warn_once(text, text); }

void RuntimeLog::warn_once(const std::string& key, const std::string& text) {
  if (first_time(key)) log_.warn(text);
}

bool RuntimeLog::first_time(const std::string& key) {
  sync::Lock lock(mutex_);
  return logged_.insert(key).second;
}

void RuntimeLog::forget(const std::string& prefix) {
  sync::Lock lock(mutex_);
  for (auto it = logged_.lower_bound(prefix); it != logged_.end() && it->compare(0, prefix.size(), prefix) == 0;) it = logged_.erase(it);
}

}  // namespace cimbus::adapter::detail
