#include "runtime_log.hpp"

#include <iostream>

namespace cimbus::adapter::detail {

void RuntimeLog::line(const std::string& text) const { std::cerr << "cimbus " << instance_ << ": " << text << "\n"; }

void RuntimeLog::once(const std::string& text) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!logged_.insert(text).second) return;
  }
  line(text);
}

}  // namespace cimbus::adapter::detail
