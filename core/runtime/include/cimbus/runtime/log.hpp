#pragma once
// The log of one adapter instance: lines on stderr, each with the time, the level, the system and
// the instance, and the MessageID and CorrelationID of the message a line is about, so that the
// lines of several processes sharing a terminal or a journal stay apart and a message can be
// followed. Two formats, chosen once per process (Log::configure):
//
//   text (default)  2026-12-02T05:01:02.345 warn  oms oms-1: giving up 9f1c...: handler failed 5 times [MessageID 9f1c...]
//   json            {"time":"2026-12-02T05:01:02.345Z","level":"warn","system":"oms","instance":"oms-1",
//                    "message":"giving up ...","message_id":"9f1c...","correlation_id":"..."}
//
// Levels: debug, info (default), warn, error; from Log::configure (--log-level), else the
// environment (SPDLOG_LEVEL). SIGUSR1 makes every log say debug, SIGUSR2 brings back the level
// it started with (StopSignals). Lines go to stderr unbuffered: a process killed right after
// still leaves them. No line carries a secret: passwords never reach a Log (README, "Secrets").
//
// Threading: every member may be called from any thread.

#include <memory>
#include <string>
#include <string_view>

namespace cimbus::adapter {

// The message a line is about (either may be empty).
struct LogIds {
  std::string message_id;
  std::string correlation_id;
};

class Log {
 public:
  enum class Format { text, json };
  enum class Level { debug, info, warn, error };

  // `instance` names the process in every line (e.g. "oms-1"; or the program before its
  // configuration is read), `system` its system (cis, oms, wms; may be empty).
  explicit Log(const std::string& instance, const std::string& system = "");
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  void debug(std::string_view text, const LogIds& ids = {}) const;
  void info(std::string_view text, const LogIds& ids = {}) const;
  void warn(std::string_view text, const LogIds& ids = {}) const;
  void error(std::string_view text, const LogIds& ids = {}) const;
  bool enabled(Level level) const;

  // The process's format and starting level, before any Log is made (the role's main does it
  // from --log-format and --log-level). Without it: text, and SPDLOG_LEVEL or info.
  static void configure(Format format, Level level);
  // Every Log of the process at `level` from now on (SIGUSR1: debug); restore() goes back to
  // the level the process started with (SIGUSR2).
  static void set_level(Level level);
  static void restore_level();
  static Level level();
  // The process's own names, for lines that are about the process rather than an instance (a
  // signal taken): set once its configuration is read. of_process() is a Log with them.
  static void name_process(const std::string& system, const std::string& instance);
  static std::unique_ptr<Log> of_process();

  // "debug", "info", "warn" (or "warning"), "error"; nullopt-like false when it is none.
  static bool parse_level(std::string_view text, Level& level);
  static bool parse_format(std::string_view text, Format& format);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::adapter
