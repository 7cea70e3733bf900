#pragma once
// The three roles as separate processes for one storm run: their configurations written from
// deploy/ (the broker URL, a store each in the working directory, the territory's settings), the
// processes started and awaited ("ready"), killed and restarted for a crash drill, and stopped.
// Each process's stderr goes to a log file next to its store.
//
// Threading: one thread.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapter_process.hpp"
#include "cimbus/runtime/adapter_options.hpp"
#include "storm_options.hpp"

namespace cimbus::storm {

class Stack {
 public:
  explicit Stack(const StormOptions& options);
  ~Stack();  // kills what still runs

  // Writes the configurations and starts every instance; throws when one does not get ready.
  void start();
  // SIGKILL the first instance of `role`, as a crash would; restart() starts it again.
  void kill(const std::string& role);
  void restart(const std::string& role);
  // SIGTERM to every instance; returns the instances that did not exit 0 ("oms-2: 1").
  std::vector<std::string> stop();

  // The SQLite file of `role` (shared by its instances).
  std::string store(const std::string& role) const;
  // Options for another system on the same broker (the storm's customer portal).
  adapter::AdapterOptions options_for(const std::string& system, const std::string& instance) const;

 private:
  struct Instance {
    std::string role;
    std::string name;
    std::string config;
    std::string log;
    std::unique_ptr<harness::AdapterProcess> process;
  };
  void launch(Instance& instance);

  const StormOptions& options_;
  std::vector<Instance> instances_;
};

}  // namespace cimbus::storm
