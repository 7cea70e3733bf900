#include "reply_destinations.hpp"

#include <algorithm>

#include "cimbus/runtime/web_callback.hpp"

namespace cimbus::adapter::detail {

namespace {

constexpr std::string_view kReplyQueuePrefix = "reply.";
// Queues a broker makes for one connection (JMS temporary queues, RabbitMQ's server-named queues):
// only their creator reads them, and no route of another system can be named this way.
constexpr std::string_view kTemporaryQueuePrefixes[] = {"amq.gen-", "temp-queue://", "temp-topic://"};

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix && text.size() > prefix.size(); }

}  // namespace

ReplyDestinations::ReplyDestinations(bus::BrokerProfile profile, std::vector<std::string> allowed, ReachesWeb reaches_web)
    : profile_(std::move(profile)), reaches_web_(std::move(reaches_web)) {
  for (const std::string& a : allowed) allowed_.push_back(canonical(profile_.reply_address(a)));
}

// A queue in the profile's form for a queue that exists (RabbitMQ: /amq/queue/NAME). RabbitMQ
// hands an AMQP 0-9-1 peer's reply_to over as /queue/NAME, and a sender there would declare the
// queue: refused for its server-named amq.gen-* queues, and for any other, a queue made where
// none was awaited.
std::string ReplyDestinations::canonical(const std::string& address) const {
  const std::optional<std::string> queue = profile_.queue_of(address);
  return queue ? profile_.reply_address("queue:" + *queue) : address;
}

std::optional<std::string> ReplyDestinations::address(std::string_view reply_to, std::string* why) const {
  if (reply_to.empty()) return std::nullopt;
  auto refuse = [&](std::string reason) -> std::optional<std::string> {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
  };
  if (is_callback_url(reply_to)) {
    const std::string url(reply_to);
    if (reaches_web_ && reaches_web_(url)) return url;
    return refuse("'" + url + "' is a web-service callback, and no web-service connector of this adapter can reach it" +
                  (reaches_web_ ? " (web_services.reply_urls does not allow it)" : " (none is configured: web_services.reply_urls)"));
  }
  // A reply queue through the exchange (a requester with broker.routed_replies): only a reply.*
  // key, which reaches nothing but the reply queue bound by it.
  if (profile_.routed_reply_queue(reply_to)) return std::string(reply_to);
  const std::string address = canonical(profile_.reply_address(reply_to));
  if (address.empty()) return refuse("'" + std::string(reply_to) + "' names no queue or topic");
  const std::optional<std::string> queue = profile_.queue_of(address);
  if (queue && starts_with(*queue, kReplyQueuePrefix)) return address;
  for (std::string_view temporary : kTemporaryQueuePrefixes)
    if (starts_with(address, temporary) || (queue && starts_with(*queue, temporary))) return address;
  if (std::find(allowed_.begin(), allowed_.end(), address) != allowed_.end()) return address;
  return refuse("'" + std::string(reply_to) + "' is not a reply destination (a reply.* queue, a temporary queue, or one that reply_queues allows)");
}

}  // namespace cimbus::adapter::detail
