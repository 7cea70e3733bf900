#pragma once
// What every request/reply benchmark is told: its private broker, its working directory, and the
// size of its phases (a throughput phase with `window` requests in flight, then a latency phase
// one request at a time, each after `warmup` requests).

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

namespace cimbus::bench {

struct RunOptions {
  std::string broker_dir;  // scripts/broker start --dir
  std::string work_dir;
  int requests = 0;
  int sequential = 0;
  int window = 0;
  int warmup = 0;

  // --broker-dir (required), --work-dir, --requests, --sequential, --window, --warmup, with the
  // values already set as defaults.
  void add_to(CLI::App& app, const std::string& window_help = "Requests in flight in the throughput phase") {
    // Made absolute: the configurations written there name their neighbours by path.
    const auto absolute = [](std::string dir) { return std::filesystem::absolute(dir).string(); };
    app.add_option("--broker-dir", broker_dir, "The private broker (scripts/broker start --dir)")->required()->transform(absolute);
    app.add_option("--work-dir", work_dir, "Where the adapters' configurations and stores go")->capture_default_str()->transform(absolute);
    app.add_option("--requests", requests, "Requests in the throughput phase")->capture_default_str();
    app.add_option("--sequential", sequential, "Requests one at a time in the latency phase")->capture_default_str();
    app.add_option("--window", window, window_help)->capture_default_str();
    app.add_option("--warmup", warmup, "Requests before each measurement")->capture_default_str();
  }
};

}  // namespace cimbus::bench
