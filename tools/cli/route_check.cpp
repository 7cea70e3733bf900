#include "route_check.hpp"

#include "cimbus/codec/error_code.hpp"
#include "cimbus/envelope.pb.h"

namespace cimbus::cli {

RouteCheck::RouteCheck(const bus::ConnectionOptions& connection, const bus::BrokerProfile& profile)
    : unrouted_(profile.unrouted_address()) {
  if (unrouted_.empty()) return;
  bus::BusOptions quiet;
  quiet.on_error = [](const std::string&) {};  // no such queue: nothing to tell from it
  hold_ = std::make_unique<bus::Bus>(connection, quiet);
  bus::ReceiveOptions hold;
  hold.credit = 1000;  // held, never settled: the connection's end gives them back to the queue
  hold_->receive_deferred(unrouted_, [this](bus::AmqpMessage m, bus::DeliveryId) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      held_.insert(m.message_id);
    }
    changed_.notify_all();
  }, hold);
  hold_->start();
}

RouteCheck::~RouteCheck() {
  if (hold_) hold_->stop(std::chrono::milliseconds(0));
}

bool RouteCheck::report(const bus::AmqpMessage& reply) {
  // An adapter's report (DeliveryPipeline::report_unrouted): FAILED, with a 2.5 error whose reason
  // says the broker routed the message nowhere.
  const DecodeResult r = codec_.decode(reply.body);
  if (r.status == DecodeResult::Status::unreadable || r.envelope.message().reply().result() != msg::ReplyType_Result::FAILED) return false;
  for (const auto& error : r.envelope.message().reply().error()) {
    if (error.code() != code::kInvalidNoun || error.reason().find("routed it nowhere") == std::string::npos) continue;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      reported_[reply.correlation_id] = error.reason();
    }
    changed_.notify_all();
    return true;
  }
  return false;
}

std::optional<std::string> RouteCheck::routed_nowhere(const std::string& message_id, std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mutex_);
  std::optional<std::string> why;
  changed_.wait_for(lock, wait, [&] {
    if (auto r = reported_.find(message_id); r != reported_.end()) why = "an adapter reports: " + r->second;
    else if (held_.count(message_id) > 0) why = "the broker keeps it in " + unrouted_;
    return why.has_value();
  });
  return why;
}

}  // namespace cimbus::cli
