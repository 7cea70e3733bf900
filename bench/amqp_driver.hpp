#pragma once
// The client side of the request/reply benchmarks: TroubleTickets change requests (fresh
// MessageIDs and mRIDs, encoded before the clock starts) sent over AMQP to the OMS's routing key,
// with at most `window` awaiting their reply; replies matched by correlation-id on a reply queue of
// its own. Used against any responder on the OMS's queue (bench/adapter_bench.cpp) and as the AMQP
// path the SOAP proxy is compared with (bench/proxy_bench.cpp).
//
// Threading: run() from one thread; replies come on the bus's thread.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/envelope.pb.h"
#include "private_broker.hpp"

namespace cimbus::bench {

using Clock = std::chrono::steady_clock;

// The p-th percentile (0..1) of `values`; 0 for none.
double percentile(std::vector<double> values, double p);

// A file's whole text (the example request); throws std::runtime_error naming it.
std::string read_text_file(const std::string& path);

// The example request (tests/data/messages/TroubleTickets-create.xml) as `count` change requests
// with fresh MessageIDs and ticket mRIDs, each replying to `reply_address` when it is not empty.
std::vector<Envelope> change_requests(const std::string& example, int count, const std::string& reply_address = {});

class AmqpDriver {
 public:
  AmqpDriver(const harness::PrivateBroker& broker, std::string example);
  ~AmqpDriver();

  // Sends `count` requests with at most `window` awaiting their reply; returns per-request
  // latencies (ms) and the elapsed seconds.
  std::pair<std::vector<double>, double> run(int count, int window, bool progress, const char* label);

 private:
  void prepare(int count);

  const bus::BrokerProfile profile_ = bus::BrokerProfile::rabbitmq();
  const bool interactive_;
  bus::Bus bus_;
  std::string example_;
  std::string queue_;
  std::vector<bus::AmqpMessage> messages_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<Clock::time_point> sent_at_;
  std::vector<double> latency_;
  int replies_ = 0;
};

}  // namespace cimbus::bench
