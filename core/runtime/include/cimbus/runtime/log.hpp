#pragma once
// The log of one adapter instance: lines on stderr, each with the time, the level and the
// instance, so that the lines of several processes sharing a terminal or a journal stay apart.
//
//   2026-12-02T05:01:02.345 warn  cimbus oms-1: giving up 9f1c...: handler failed 5 times
//
// The level comes from the environment (SPDLOG_LEVEL=debug, warn, ...; default info), as spdlog
// reads it. Lines go to stderr unbuffered: a process killed right after still leaves them.
//
// Threading: every member may be called from any thread.

#include <memory>
#include <string>
#include <string_view>

namespace cimbus::adapter {

class Log {
 public:
  // `instance` names the process in every line (e.g. "oms-1"; or the program before its
  // configuration is read).
  explicit Log(const std::string& instance);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  void debug(std::string_view text) const;
  void info(std::string_view text) const;
  void warn(std::string_view text) const;
  void error(std::string_view text) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cimbus::adapter
