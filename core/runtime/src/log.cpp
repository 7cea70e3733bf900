#include "cimbus/runtime/log.hpp"

#include <csignal>
#include <mutex>

#include <spdlog/cfg/env.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace cimbus::adapter {

namespace {

// One stderr sink for every instance in the process (tests run several adapters in one), so that
// their lines never interleave mid-line; the level from SPDLOG_LEVEL, read once.
// A stderr whose reader went away (a supervisor's pipe) must cost a line, not the process: SIGPIPE
// is ignored, so that the write fails with EPIPE instead of killing it.
std::shared_ptr<spdlog::sinks::stderr_sink_mt> shared_sink() {
  static std::once_flag levels;
  std::call_once(levels, [] {
    spdlog::cfg::load_env_levels();
    std::signal(SIGPIPE, SIG_IGN);
  });
  static auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  return sink;
}

}  // namespace

class Log::Impl {
 public:
  explicit Impl(const std::string& instance) : logger("cimbus " + instance, shared_sink()) {
    logger.set_pattern("%Y-%m-%dT%H:%M:%S.%e %-5l %n: %v");
    logger.set_level(spdlog::get_level());
    logger.flush_on(spdlog::level::trace);
  }
  spdlog::logger logger;
};

Log::Log(const std::string& instance) : impl_(std::make_unique<Impl>(instance)) {}
Log::~Log() = default;

void Log::debug(std::string_view text) const { impl_->logger.debug(text); }
void Log::info(std::string_view text) const { impl_->logger.info(text); }
void Log::warn(std::string_view text) const { impl_->logger.warn(text); }
void Log::error(std::string_view text) const { impl_->logger.error(text); }

}  // namespace cimbus::adapter
