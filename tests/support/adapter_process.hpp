#pragma once
// An adapter as the tests run it: its configuration written to a file (from a routing config in
// tests/adapter/config, with the test broker and a store of the test's own), and, for a separate
// process, started from its executable, stopped with SIGTERM or killed with SIGKILL.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "cimbus/adapter/adapter_options.hpp"
#include "test_broker.hpp"

namespace cimbus::test {

// The routing config `routes_file` with the broker's URL and login, `instance`, and its store in
// `dir` (created).
adapter::AdapterOptions adapter_options(const std::string& routes_file, const TestBroker& broker,
                                        const std::string& instance, const std::string& dir);
// The same options as a configuration file in `dir`; returns its path.
std::string write_config(const adapter::AdapterOptions& options, const std::string& dir);

class AdapterProcess {
 public:
  // Starts `executable CONFIG` and waits until it prints "ready" (throws after `timeout`).
  AdapterProcess(const std::string& executable, const std::string& config,
                 std::chrono::seconds timeout = std::chrono::seconds(60));
  // Starts `command` (program and arguments), the same way.
  explicit AdapterProcess(const std::vector<std::string>& command, std::chrono::seconds timeout = std::chrono::seconds(60));
  ~AdapterProcess();  // kills it if still running
  AdapterProcess(const AdapterProcess&) = delete;
  AdapterProcess& operator=(const AdapterProcess&) = delete;

  bool running() const;
  // SIGTERM, then its exit status (-1 when it did not exit within `timeout` and was killed).
  int stop(std::chrono::seconds timeout = std::chrono::seconds(30));
  // SIGKILL, as a crash would.
  void kill_hard();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

}  // namespace cimbus::test
