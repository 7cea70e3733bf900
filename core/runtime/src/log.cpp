#include "cimbus/runtime/log.hpp"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <spdlog/cfg/env.h>
#include <spdlog/spdlog.h>

#include "cimbus/codec/json_text.hpp"

namespace cimbus::adapter {

namespace {

// The process's settings: one format, one level for every instance (tests run several adapters
// in one process). The level starts from SPDLOG_LEVEL unless configure() says otherwise.
struct Settings {
  std::atomic<Log::Format> format{Log::Format::text};
  std::atomic<Log::Level> level{Log::Level::info};
  std::atomic<Log::Level> start_level{Log::Level::info};
};

Log::Level from_spdlog(spdlog::level::level_enum l) {
  if (l <= spdlog::level::debug) return Log::Level::debug;
  if (l == spdlog::level::info) return Log::Level::info;
  if (l == spdlog::level::warn) return Log::Level::warn;
  return Log::Level::error;
}

Settings& settings() {
  static Settings* s = [] {
    auto* made = new Settings();
    spdlog::cfg::load_env_levels();
    made->level = made->start_level = from_spdlog(spdlog::get_level());
    // A stderr whose reader went away (a supervisor's pipe) must cost a line, not the process:
    // SIGPIPE is ignored, so that the write fails with EPIPE instead of killing it.
    std::signal(SIGPIPE, SIG_IGN);
    return made;
  }();
  return *s;
}

// One writer for every instance in the process, so that lines never interleave mid-line.
std::mutex& write_mutex() {
  static std::mutex m;
  return m;
}

const char* name_of(Log::Level l) {
  switch (l) {
    case Log::Level::debug: return "debug";
    case Log::Level::info: return "info";
    case Log::Level::warn: return "warn";
    case Log::Level::error: return "error";
  }
  return "info";
}

// UTC with milliseconds: 2026-12-02T05:01:02.345 (the JSON form adds Z).
std::string now_text() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[80];  // room for any int the compiler cannot rule out
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                tm.tm_sec, ms);
  return buffer;
}

}  // namespace

class Log::Impl {
 public:
  Impl(std::string instance, std::string system) : instance(std::move(instance)), system(std::move(system)) { (void)settings(); }

  void write(Level level, std::string_view text, const LogIds& ids) const {
    if (static_cast<int>(level) < static_cast<int>(settings().level.load())) return;
    std::string line;
    line.reserve(text.size() + 128);
    if (settings().format == Format::json) {
      line += "{\"time\":\"" + now_text() + "Z\",\"level\":\"" + name_of(level) + "\",\"system\":";
      json::append_string(line, system);
      line += ",\"instance\":";
      json::append_string(line, instance);
      line += ",\"message\":";
      json::append_string(line, text);
      if (!ids.message_id.empty()) {
        line += ",\"message_id\":";
        json::append_string(line, ids.message_id);
      }
      if (!ids.correlation_id.empty()) {
        line += ",\"correlation_id\":";
        json::append_string(line, ids.correlation_id);
      }
      line += "}\n";
    } else {
      char level_text[8];
      std::snprintf(level_text, sizeof level_text, "%-5s", name_of(level));
      line += now_text() + " " + level_text + " " + (system.empty() ? std::string("cimbus") : system) + " " + instance + ": ";
      line.append(text);
      if (!ids.message_id.empty() && text.find(ids.message_id) == std::string_view::npos) line += " [MessageID " + ids.message_id + "]";
      if (!ids.correlation_id.empty() && text.find(ids.correlation_id) == std::string_view::npos)
        line += " [CorrelationID " + ids.correlation_id + "]";
      line += '\n';
    }
    std::lock_guard<std::mutex> lock(write_mutex());
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  }

  const std::string instance;
  const std::string system;
};

Log::Log(const std::string& instance, const std::string& system) : impl_(std::make_unique<Impl>(instance, system)) {}
Log::~Log() = default;

void Log::debug(std::string_view text, const LogIds& ids) const { impl_->write(Level::debug, text, ids); }
void Log::info(std::string_view text, const LogIds& ids) const { impl_->write(Level::info, text, ids); }
void Log::warn(std::string_view text, const LogIds& ids) const { impl_->write(Level::warn, text, ids); }
void Log::error(std::string_view text, const LogIds& ids) const { impl_->write(Level::error, text, ids); }
bool Log::enabled(Level level) const { return static_cast<int>(level) >= static_cast<int>(settings().level.load()); }

void Log::configure(Format format, Level level) {
  settings().format = format;
  settings().level = level;
  settings().start_level = level;
}

void Log::set_level(Level level) { settings().level = level; }
void Log::restore_level() { settings().level = settings().start_level.load(); }
Log::Level Log::level() { return settings().level; }

namespace {
std::mutex process_names_mutex;
std::string process_system;
std::string process_instance = "cimbus";
}  // namespace

void Log::name_process(const std::string& system, const std::string& instance) {
  std::lock_guard<std::mutex> lock(process_names_mutex);
  process_system = system;
  process_instance = instance;
}

std::unique_ptr<Log> Log::of_process() {
  std::lock_guard<std::mutex> lock(process_names_mutex);
  return std::make_unique<Log>(process_instance, process_system);
}

bool Log::parse_level(std::string_view text, Level& level) {
  if (text == "debug" || text == "trace") level = Level::debug;
  else if (text == "info") level = Level::info;
  else if (text == "warn" || text == "warning") level = Level::warn;
  else if (text == "error" || text == "err") level = Level::error;
  else return false;
  return true;
}

bool Log::parse_format(std::string_view text, Format& format) {
  if (text == "text") format = Format::text;
  else if (text == "json") format = Format::json;
  else return false;
  return true;
}

}  // namespace cimbus::adapter
