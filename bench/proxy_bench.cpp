// The SOAP proxy against the AMQP path, in one run (issue 13): the same TroubleTickets change
// requests (~2.3 KB, typed payload, fresh MessageIDs) to the same responder (cimbus_test_responder
// on the OMS's queue), sent
//   amqp   directly over AMQP by a client on the broker (bench/amqp_driver.hpp);
//   soap   as SOAP 1.1 calls of ExecuteTroubleTickets/ChangeTroubleTickets to the web services of
//          another adapter process (cimbus-cis serving web_services), which puts each on the bus
//          and answers with its reply.
// For each: throughput with `window` requests in flight, round-trip latency one at a time (p50,
// p99). Prints a table and the ratios against the target: the proxy's throughput at least 0.5 of
// the AMQP path's, and its p99 at most 2x (the AMQP p99 at least 0.5 of the proxy's).
//
//   cimbus_proxy_bench --broker-dir DIR [--requests N] [--sequential N] [--window N]

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <httplib.h>

#include "adapter_process.hpp"
#include "amqp_driver.hpp"
#include "run_options.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/runtime/config_file.hpp"
#include "cimbus/web_services/soap_envelope.hpp"
#include "local_adapter.hpp"
#include "private_broker.hpp"

namespace {

using namespace std::chrono_literals;
using cimbus::bench::Clock;
using cimbus::bench::percentile;
using cimbus::bench::RunOptions;

constexpr const char* kAction = "http://iec.ch/TC57/2015/TroubleTickets/ChangeTroubleTickets";

struct Figures {
  double throughput = 0;
  double p50_ms = 0, p99_ms = 0;
  long missing = 0;
};

// SOAP calls from `window` threads, each with a keep-alive connection of its own.
class SoapDriver {
 public:
  SoapDriver(int port, std::string example) : port_(port), example_(std::move(example)) {}

  std::pair<std::vector<double>, double> run(int count, int window, const char* label) {
    const std::vector<std::string> bodies = prepare(count);
    std::vector<double> latency(static_cast<std::size_t>(count), -1.0);
    std::atomic<int> next{0};
    const auto began = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < window; ++t)
      threads.emplace_back([&] {
        httplib::Client client("127.0.0.1", port_);
        client.set_tcp_nodelay(true);
        client.set_keep_alive(true);
        client.set_read_timeout(60s);
        const httplib::Headers headers{{"SOAPAction", std::string("\"") + kAction + "\""}};
        for (int i = next++; i < count; i = next++) {
          const auto sent = Clock::now();
          auto r = client.Post("/ExecuteTroubleTickets", headers, bodies[static_cast<std::size_t>(i)], "text/xml; charset=utf-8");
          if (r && r->status == 200 && r->body.find(">OK<") != std::string::npos)
            latency[static_cast<std::size_t>(i)] = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        }
      });
    for (auto& t : threads) t.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
    std::vector<double> done;
    for (double l : latency)
      if (l >= 0) done.push_back(l);
    std::fprintf(stderr, "  %-28s %6zu/%d answered in %.1f s\n", label, done.size(), count, seconds);
    return {done, seconds};
  }

 private:
  std::vector<std::string> prepare(int count) {
    cimbus::XmlCodec codec;
    std::vector<std::string> out;
    for (cimbus::Envelope& e : cimbus::bench::change_requests(example_, count)) {
      e.mutable_wrapper()->set_namespace_("http://iec.ch/TC57/2015/TroubleTicketsMessage");
      e.mutable_wrapper()->set_name("ChangeTroubleTickets");
      out.push_back(cimbus::web_services::soap_envelope(cimbus::web_services::SoapVersion::soap11, codec.encode(e)));
    }
    return out;
  }

  int port_;
  std::string example_;
};

template <class Run>
Figures measure(const RunOptions& o, Run run) {
  Figures f;
  run(o.warmup, o.window, "warm-up");
  auto [loaded, seconds] = run(o.requests, o.window, "throughput");
  f.throughput = static_cast<double>(loaded.size()) / seconds;
  f.missing = o.requests - static_cast<long>(loaded.size());
  auto [one_by_one, unused] = run(o.sequential, 1, "latency");
  (void)unused;
  f.p50_ms = percentile(one_by_one, 0.50);
  f.p99_ms = percentile(one_by_one, 0.99);
  f.missing += o.sequential - static_cast<long>(one_by_one.size());
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The SOAP proxy against the AMQP path: the same requests to the same responder"};
  RunOptions o{"", "build/bench-proxy", 5000, 500, 16, 300};
  o.add_to(app, "Requests in flight in the throughput phase (SOAP: client threads)");
  CLI11_PARSE(app, argc, argv);

  try {
    setenv("CIMBUS_TEST_BROKER_DIR", o.broker_dir.c_str(), 1);
    const auto broker = cimbus::harness::private_broker_from_environment();
    const std::string example = cimbus::bench::read_text_file(std::string(CIMBUS_EXAMPLES_DIR) + "/TroubleTickets-create.xml");
    std::filesystem::remove_all(o.work_dir);
    std::fprintf(stderr, "proxy bench: %d requests (window %d), %d one at a time, %d warm-up, TroubleTickets change\n", o.requests,
                 o.window, o.sequential, o.warmup);

    // The responder, the same for both paths.
    auto responder_options = cimbus::harness::adapter_options(CIMBUS_BENCH_RESPONDER_CONFIG, broker, "oms-bench", o.work_dir + "/oms");
    cimbus::harness::AdapterProcess responder(CIMBUS_TEST_RESPONDER, cimbus::harness::write_config(responder_options, o.work_dir + "/oms"));

    Figures amqp, soap;
    {
      cimbus::bench::AmqpDriver driver(broker, example);
      std::fprintf(stderr, "amqp:\n");
      amqp = measure(o, [&](int n, int window, const char* label) { return driver.run(n, window, true, label); });
    }
    {
      // The proxy: cimbus-cis (routes of tests/adapter/config/cis.json), serving its web services.
      auto options = cimbus::harness::adapter_options(CIMBUS_BENCH_PROXY_CONFIG, broker, "cis-bench", o.work_dir + "/cis");
      const int port = cimbus::harness::free_loopback_port();
      auto& services = *options.config.mutable_web_services();
      services.set_listen("127.0.0.1:" + std::to_string(port));
      services.set_max_calls(std::max(16, o.window * 2));
      services.set_call_timeout_ms(60000);
      cimbus::harness::AdapterProcess proxy(CIMBUS_CIS, cimbus::harness::write_config(options, o.work_dir + "/cis"));
      SoapDriver driver(port, example);
      std::fprintf(stderr, "soap (through cimbus-cis's web services):\n");
      soap = measure(o, [&](int n, int window, const char* label) { return driver.run(n, window, label); });
      proxy.stop();
    }
    responder.stop();

    std::printf("\n| path | throughput (req/s) | p50 ms | p99 ms | no reply |\n|---|---:|---:|---:|---:|\n");
    for (auto [name, f] : {std::pair<const char*, const Figures&>{"AMQP, direct (baseline)", amqp}, {"SOAP through the proxy", soap}})
      std::printf("| %s | %.0f | %.2f | %.2f | %ld |\n", name, f.throughput, f.p50_ms, f.p99_ms, f.missing);
    std::printf("\n| figure | value | target |\n|---|---:|---|\n");
    std::printf("| throughput, SOAP / AMQP | %.2f | >= 0.50 |\n", soap.throughput / amqp.throughput);
    std::printf("| p99 latency, AMQP / SOAP | %.2f | >= 0.50 |\n", amqp.p99_ms / soap.p99_ms);
    if (amqp.missing > 0 || soap.missing > 0) {
      std::fprintf(stderr, "cimbus_proxy_bench: requests without a reply\n");
      return 1;
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "cimbus_proxy_bench: " << e.what() << "\n";
    return 1;
  }
}
