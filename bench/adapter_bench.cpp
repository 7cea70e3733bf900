// End-to-end load driver: request/reply through the local broker, against three responders on the
// same queue, one after the other, in one run:
//   baseline  cimbus_proton_relay: raw Proton, sends each request back (no XML, no store);
//   floor     cimbus_codec_relay: the same relay decoding each request with cimbus's codec
//             and encoding a typed reply, nothing else: what any responder keeping the codec's
//             guarantees spends at least (not a target; it shows what is left to the rest);
//   cimbus    an adapter process (cimbus_test_responder): validates the request, runs a trivial
//             handler through the inbox and outbox in SQLite, and replies with a typed payload.
// For each: throughput with a window of requests in flight, round-trip latency one request at a
// time (p50/p99), and the responder's peak RSS. Prints a table and the ratios against the targets
// (throughput >= 0.9 of the baseline, p99 <= 1.5x the baseline's, adapter CPU <= 100 µs per
// request, adapter peak RSS <= 64 MiB), which --summary FILE also appends to scripts/bench's
// closing table.
// The requests are TroubleTickets change messages (~2.3 KB, typed payload) with fresh MessageIDs.
//
//   cimbus_adapter_bench --broker-dir DIR [--requests N] [--sequential N] [--window N] [--summary FILE]
//   cimbus_adapter_bench --broker-dir DIR --callgrind FILE [--requests N] ...
//
// With --callgrind, only the adapter runs, under valgrind's callgrind (instruction counts, stable
// on a noisy machine), and its profile is written to FILE for bench/cost_breakdown.py; the figures
// it prints are then those of a process slowed fifty times, not to be compared.

#include <algorithm>
#include <filesystem>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "adapter_process.hpp"
#include "amqp_driver.hpp"
#include "run_options.hpp"
#include "target_summary.hpp"
#include "local_adapter.hpp"
#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "private_broker.hpp"

namespace {

using namespace std::chrono_literals;
using cimbus::bench::percentile;
using cimbus::bench::RunOptions;
using cimbus::bus::AmqpMessage;

struct Figures {
  double throughput = 0;      // replies per second with `window` requests in flight
  double p50_ms = 0, p99_ms = 0;          // one request at a time
  double load_p50_ms = 0, load_p99_ms = 0;  // during the throughput phase
  double peak_rss_mib = 0;    // the responder's
  double cpu_us_per_request = 0;  // the responder's CPU time (user + system) per request, all phases
  double system_us_per_request = 0;  // the system (kernel) part of it: syscalls, fsync, sockets
  double broker_us_per_request = 0;  // the broker's CPU time per request, same phases
  double driver_us_per_request = 0;  // this load driver's
  long missing = 0;           // requests without a reply (must be 0)
};

// User plus system CPU seconds a process has used so far; with `system_only`, the system part.
double cpu_seconds(pid_t pid, bool system_only = false) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (comm) "
  std::string field;
  double ticks = 0;
  for (int i = 3; fields >> field && i <= 15; ++i)
    if ((i == 14 && !system_only) || i == 15) ticks += std::stod(field);  // utime, stime
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double peak_rss_mib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

Figures measure(cimbus::bench::AmqpDriver& driver, pid_t responder, pid_t broker, const RunOptions& o, const char* name) {
  Figures f;
  const double cpu_before = cpu_seconds(responder), system_before = cpu_seconds(responder, true);
  const double broker_before = broker > 0 ? cpu_seconds(broker) : 0, driver_before = cpu_seconds(getpid());
  driver.run(o.warmup, o.window, false, name);
  auto [loaded, seconds] = driver.run(o.requests, o.window, true, (std::string(name) + " throughput").c_str());
  f.throughput = static_cast<double>(loaded.size()) / seconds;
  f.load_p50_ms = percentile(loaded, 0.50);
  f.load_p99_ms = percentile(loaded, 0.99);
  f.missing = o.requests - static_cast<long>(loaded.size());
  auto [one_by_one, unused] = driver.run(o.sequential, 1, true, (std::string(name) + " latency").c_str());
  (void)unused;
  f.p50_ms = percentile(one_by_one, 0.50);
  f.p99_ms = percentile(one_by_one, 0.99);
  f.missing += o.sequential - static_cast<long>(one_by_one.size());
  f.peak_rss_mib = peak_rss_mib(responder);
  f.cpu_us_per_request = (cpu_seconds(responder) - cpu_before) * 1e6 / (o.warmup + o.requests + o.sequential);
  f.system_us_per_request = (cpu_seconds(responder, true) - system_before) * 1e6 / (o.warmup + o.requests + o.sequential);
  if (broker > 0) f.broker_us_per_request = (cpu_seconds(broker) - broker_before) * 1e6 / (o.warmup + o.requests + o.sequential);
  f.driver_us_per_request = (cpu_seconds(getpid()) - driver_before) * 1e6 / (o.warmup + o.requests + o.sequential);
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Request/reply through the broker: raw Proton relay (baseline) against a cimbus adapter"};
  RunOptions o{"", "build/bench-adapter", 20000, 1000, 200, 500};
  o.add_to(app);
  std::string callgrind_out;
  app.add_option("--callgrind", callgrind_out, "Run only the adapter, under callgrind, its profile written to this file");
  std::string summary_file;
  app.add_option("--summary", summary_file, "Append the targets, values and verdicts to this file (scripts/bench's closing table)");
  CLI11_PARSE(app, argc, argv);

  try {
    setenv("CIMBUS_TEST_BROKER_DIR", o.broker_dir.c_str(), 1);
    const auto broker = cimbus::harness::private_broker_from_environment();
    const std::string example = cimbus::bench::read_text_file(std::string(CIMBUS_EXAMPLES_DIR) + "/TroubleTickets-create.xml");
    std::filesystem::remove_all(o.work_dir);
    cimbus::bench::AmqpDriver driver(broker, example);
    std::fprintf(stderr, "adapter bench: %d requests (window %d), %d one at a time, %d warm-up, TroubleTickets change (~%zu bytes)\n",
                 o.requests, o.window, o.sequential, o.warmup, example.size());

    Figures relay, codec_floor, adapter;
    // The cimbus adapter, started by `prefix` (a profiler) when given; `slowness` scales its waits.
    auto measure_adapter = [&](std::vector<std::string> prefix, int slowness, const char* name) {
      auto options = cimbus::harness::adapter_options(CIMBUS_BENCH_ADAPTER_CONFIG, broker, "oms-bench", o.work_dir);
      prefix.push_back(CIMBUS_TEST_RESPONDER);
      prefix.push_back(cimbus::harness::write_config(options, o.work_dir));
      cimbus::harness::AdapterProcess p(prefix, std::chrono::seconds(60) * slowness);
      Figures f = measure(driver, p.pid(), static_cast<pid_t>(broker.pid), o, name);
      p.stop(std::chrono::seconds(30) * slowness);
      return f;
    };
    if (!callgrind_out.empty()) {
      adapter = measure_adapter({"/usr/bin/valgrind", "--tool=callgrind", "--callgrind-out-file=" + callgrind_out}, 5,
                                "cimbus adapter under callgrind");
      std::printf("callgrind profile of %d requests: %s\n", o.warmup + o.requests + o.sequential, callgrind_out.c_str());
      return adapter.missing > 0 ? 1 : 0;
    }
    {
      cimbus::harness::AdapterProcess p({CIMBUS_PROTON_RELAY, broker.url, broker.user, broker.password, "oms.requests"});
      relay = measure(driver, p.pid(), static_cast<pid_t>(broker.pid), o, "proton relay");
      p.stop();
    }
    {
      cimbus::harness::AdapterProcess p({CIMBUS_CODEC_RELAY, broker.url, broker.user, broker.password, "oms.requests"});
      codec_floor = measure(driver, p.pid(), static_cast<pid_t>(broker.pid), o, "codec relay");
      p.stop();
    }
    adapter = measure_adapter({}, 1, "cimbus adapter");

    std::printf("\n| responder | throughput (req/s) | p50 ms | p99 ms | p50 ms loaded | p99 ms loaded | peak RSS (MiB) | CPU µs/request | of which system | no reply |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    const std::vector<std::pair<const char*, const Figures&>> responders{
        {"raw Proton relay (baseline)", relay}, {"codec relay (decode and encode only)", codec_floor}, {"cimbus adapter", adapter}};
    for (auto [name, f] : responders)
      std::printf("| %s | %.0f | %.2f | %.2f | %.1f | %.1f | %.1f | %.0f | %.0f | %ld |\n", name, f.throughput, f.p50_ms, f.p99_ms,
                  f.load_p50_ms, f.load_p99_ms, f.peak_rss_mib, f.cpu_us_per_request, f.system_us_per_request, f.missing);
    // Where the machine's CPU goes per request. When the broker and the driver share the machine's
    // cores with the responder, throughput is bound by this sum, not by the responder alone.
    std::printf("\n| CPU per request, µs | responder | broker | load driver | all three |\n|---|---|---|---|---|\n");
    for (auto [name, f] : responders)
      std::printf("| %s | %.0f | %.0f | %.0f | %.0f |\n", name, f.cpu_us_per_request, f.broker_us_per_request, f.driver_us_per_request,
                  f.cpu_us_per_request + f.broker_us_per_request + f.driver_us_per_request);
    const double all_relay = relay.cpu_us_per_request + relay.broker_us_per_request + relay.driver_us_per_request;
    const double all_adapter = adapter.cpu_us_per_request + adapter.broker_us_per_request + adapter.driver_us_per_request;
    if (all_adapter > 0)
      std::printf("\nIf the %ld cores are the limit, the throughput ratio is about the ratio of all three: %.2f.\n", sysconf(_SC_NPROCESSORS_ONLN),
                  all_relay / all_adapter);
    // The floor: the codec alone, against the same baseline. Where it is below a target, no
    // responder that decodes and encodes as the issue asks can meet that target on this machine.
    if (relay.throughput > 0 && relay.p99_ms > 0)
      std::printf("The codec relay alone: throughput %.2f of the baseline's, p99 %.2f times its, %.0f µs of CPU a request; the adapter's runtime and store add %.0f µs.\n",
                  codec_floor.throughput / relay.throughput, codec_floor.p99_ms / relay.p99_ms, codec_floor.cpu_us_per_request,
                  adapter.cpu_us_per_request - codec_floor.cpu_us_per_request);
    const double throughput_ratio = adapter.throughput / relay.throughput;
    const double p99_ratio = adapter.p99_ms / relay.p99_ms;
    using cimbus::bench::format;
    const cimbus::bench::TargetSummary summary(summary_file);
    struct Row {
      std::string figure, wanted, value;
      bool met;
    };
    const std::vector<Row> rows{
        {"adapter throughput / raw Proton relay's", ">= 0.90", format("%.2f", throughput_ratio), throughput_ratio >= 0.9},
        {"adapter p99 latency / raw Proton relay's", "<= 1.50", format("%.2f", p99_ratio), p99_ratio <= 1.5},
        {"adapter CPU per request", "<= 100 µs", format("%.0f µs", adapter.cpu_us_per_request), adapter.cpu_us_per_request <= 100},
        {"adapter peak RSS", "<= 64 MiB", format("%.1f MiB", adapter.peak_rss_mib), adapter.peak_rss_mib <= 64},
    };
    std::printf("\n| figure | value | target | |\n|---|---|---|---|\n");
    for (const Row& r : rows) {
      std::printf("| %s | %s | %s | %s |\n", r.figure.c_str(), r.value.c_str(), r.wanted.c_str(), r.met ? "met" : "NOT MET");
      summary.add(r.figure, r.wanted, r.value, r.met);
    }
    if (relay.missing > 0 || codec_floor.missing > 0 || adapter.missing > 0) {
      std::fprintf(stderr, "cimbus_adapter_bench: requests without a reply\n");
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cimbus_adapter_bench: " << e.what() << "\n";
    return 1;
  }
}
