#pragma once
// An adapter (or any program that prints "ready" once it serves) as a child process: started from
// its executable, stopped with SIGTERM, or killed with SIGKILL as a crash would. The storm runs
// the three roles this way, and so do the tests.

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace cimbus::harness {

class AdapterProcess {
 public:
  // Starts `executable CONFIG` and waits until it prints "ready" (throws after `timeout`).
  AdapterProcess(const std::string& executable, const std::string& config,
                 std::chrono::seconds timeout = std::chrono::seconds(60));
  // Starts `command` (program and arguments), the same way. Its stderr goes to `log` (appended)
  // when given, else to this process's stderr.
  explicit AdapterProcess(const std::vector<std::string>& command, std::chrono::seconds timeout = std::chrono::seconds(60),
                          const std::string& log = {});
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

}  // namespace cimbus::harness
