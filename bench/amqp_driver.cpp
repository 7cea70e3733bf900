#include "amqp_driver.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "local_adapter.hpp"

namespace cimbus::bench {

using namespace std::chrono_literals;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<Envelope> change_requests(const std::string& example, int count, const std::string& reply_address) {
  XmlCodec codec;
  DecodeResult decoded = codec.decode(example);
  if (!decoded.accepted()) throw std::runtime_error("the example request does not validate");
  customer::trouble_tickets::TroubleTickets tickets;
  decoded.envelope.payload_objects(0).UnpackTo(&tickets);
  std::vector<Envelope> out;
  for (int i = 0; i < count; ++i) {
    Envelope e = decoded.envelope;
    // change: the trivial handler replies without publishing an event (create would add one)
    e.clear_wrapper();
    e.set_archetype(Envelope::REQUEST_MESSAGE);
    e.mutable_message()->mutable_header()->set_verb(msg::HeaderType_Verb::change);
    // Random IDs, as systems other than cimbus may send: the pessimistic case for the store's indexes.
    e.mutable_message()->mutable_header()->set_message_id(new_random_uuid());
    if (!reply_address.empty()) e.mutable_message()->mutable_header()->set_reply_address(reply_address);
    tickets.mutable_trouble_ticket(0)->set_m_rid(new_random_uuid());
    e.mutable_payload_objects(0)->PackFrom(tickets);
    out.push_back(std::move(e));
  }
  return out;
}

AmqpDriver::AmqpDriver(const harness::PrivateBroker& broker, std::string example)
    : interactive_(isatty(STDERR_FILENO) != 0),
      bus_(harness::connection_to(broker)),
      example_(std::move(example)),
      queue_("reply.bench-" + new_uuid()) {
  bus::ReceiveOptions receive;
  receive.durable = true;
  receive.credit = 500;
  bus_.receive(profile_.own_queue_address(queue_), [this](const bus::AmqpMessage& m) {
    const auto now = Clock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = index_.find(m.correlation_id);
    if (it != index_.end() && latency_[it->second] < 0) {
      latency_[it->second] = std::chrono::duration<double, std::milli>(now - sent_at_[it->second]).count();
      ++replies_;
      changed_.notify_all();
    }
    return bus::Outcome::accepted;
  }, receive);
  bus_.start();
  if (!bus_.wait_ready(60s)) throw std::runtime_error("the broker is not reachable");
}

AmqpDriver::~AmqpDriver() { bus_.stop(); }

std::pair<std::vector<double>, double> AmqpDriver::run(int count, int window, bool progress, const char* label) {
  prepare(count);
  const std::string target = profile_.publish_address("req.TroubleTickets.change");
  const auto began = Clock::now();
  for (int i = 0; i < count; ++i) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!changed_.wait_for(lock, 60s, [&] { return i - replies_ < window; })) break;  // a stall: reported as missing
      sent_at_[static_cast<std::size_t>(i)] = Clock::now();
    }
    bus_.send(target, messages_[static_cast<std::size_t>(i)], [](bus::Outcome) {});
    if (progress && interactive_ && (i + 1) % std::max(1, count / 20) == 0) {
      std::fprintf(stderr, "\r  %-28s %6d/%d sent", label, i + 1, count);
      std::fflush(stderr);
    }
  }
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_for(lock, 120s, [&] { return replies_ == count; });
  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  if (progress) std::fprintf(stderr, "\r  %-28s %6d/%d replied in %.1f s\n", label, replies_, count, seconds);
  std::vector<double> done;
  for (double l : latency_)
    if (l >= 0) done.push_back(l);
  return {done, seconds};
}

void AmqpDriver::prepare(int count) {
  XmlCodec codec;
  std::vector<Envelope> requests = change_requests(example_, count, queue_);
  std::lock_guard<std::mutex> lock(mutex_);
  messages_.clear();
  index_.clear();
  for (const Envelope& e : requests) {
    messages_.push_back(bus::to_amqp_message(e, codec.encode(e)));
    index_[messages_.back().message_id] = messages_.size() - 1;
  }
  sent_at_.assign(static_cast<std::size_t>(count), Clock::time_point());
  latency_.assign(static_cast<std::size_t>(count), -1.0);
  replies_ = 0;
}

}  // namespace cimbus::bench
