#include "reply_destinations.hpp"

#include <algorithm>

namespace cimbus::adapter::detail {

namespace {

constexpr std::string_view kReplyQueuePrefix = "reply.";
// Queues a broker makes for one connection (JMS temporary queues, RabbitMQ's server-named queues):
// only their creator reads them, and no route of another system can be named this way.
constexpr std::string_view kTemporaryQueuePrefixes[] = {"amq.gen-", "temp-queue://", "temp-topic://"};

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix && text.size() > prefix.size(); }

bool is_web_callback(std::string_view text) { return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0; }

}  // namespace

ReplyDestinations::ReplyDestinations(bus::BrokerProfile profile, std::vector<std::string> allowed) : profile_(std::move(profile)) {
  for (const std::string& a : allowed) allowed_.push_back(profile_.reply_address(a));
}

std::optional<std::string> ReplyDestinations::address(std::string_view reply_to, std::string* why) const {
  if (reply_to.empty()) return std::nullopt;
  auto refuse = [&](std::string reason) -> std::optional<std::string> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  if (is_web_callback(reply_to))
    return refuse("'" + std::string(reply_to) + "' is a web-service callback; a message from the bus is answered on the bus");
  const std::string address = profile_.reply_address(reply_to);
  if (address.empty()) return refuse("'" + std::string(reply_to) + "' names no queue or topic");
  const std::optional<std::string> queue = profile_.queue_of(address);
  if (queue && starts_with(*queue, kReplyQueuePrefix)) return address;
  for (std::string_view temporary : kTemporaryQueuePrefixes)
    if (starts_with(address, temporary) || (queue && starts_with(*queue, temporary))) return address;
  if (std::find(allowed_.begin(), allowed_.end(), address) != allowed_.end()) return address;
  return refuse("'" + std::string(reply_to) + "' is not a reply destination (a reply.* queue, a temporary queue, or one that reply_queues allows)");
}

}  // namespace cimbus::adapter::detail
