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
#include <utility>
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

  // The store of `role` (shared by its instances), written into its configuration; the storm
  // itself reads every system through HTTP.
  std::string store(const std::string& role) const;
  // Where `role`'s web services are (http://127.0.0.1:<port>), e.g. the CIS's for the portal.
  std::string endpoint(const std::string& role) const;
  // Each process's operations endpoint (health, metrics, console), by instance name, in report
  // order; start() also writes them for Prometheus to <work>/prometheus-targets.json.
  std::vector<std::pair<std::string, std::string>> operations_endpoints() const;
  // The operations endpoint of `role`'s first instance (instances share the store, so any one
  // answers for all: /backlog, /reference/state).
  std::string operations_endpoint(const std::string& role) const;
  // Each running instance's peak resident memory (Linux's VmHWM) and the CPU time it used (user and
  // system), both since the process started (an instance restarted by a crash drill counts from its
  // restart), in report order.
  struct ProcessFigures {
    std::string name;
    long peak_kb = 0;
    double cpu_s = 0;
  };
  std::vector<ProcessFigures> process_figures() const;

 private:
  struct Instance {
    std::string role;
    std::string name;
    std::string config;
    std::string log;
    std::string endpoint;  // http://127.0.0.1:<port> of its operations endpoint (its host's address)
    std::string netns;     // the network namespace it runs in (StormOptions::oms_hosts), or none
    std::unique_ptr<harness::AdapterProcess> process;
  };
  void launch(Instance& instance);
  void write_prometheus_targets() const;

  const StormOptions& options_;
  std::vector<Instance> instances_;
  std::map<std::string, std::string> endpoints_;  // by role
};

}  // namespace cimbus::storm
