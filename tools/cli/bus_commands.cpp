// cimbus send / request / listen: a message through the broker, as an adapter would send it.

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>
#include <optional>

#include "broker_args.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/bus/reply_correlation.hpp"
#include "cimbus/codec/operation_set_routing.hpp"
#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "commands.hpp"
#include "input.hpp"
#include "route_check.hpp"

namespace cimbus::cli {

namespace {

using namespace std::chrono_literals;

struct MessageArgs {
  BrokerArgs broker;
  std::string file;
  std::string to;           // an explicit address instead of the Header's routing key
  std::string naming = "cimbus";  // how the Header's routing key is named (addressing.hpp Naming)
  std::string policy = "strict";
  int timeout_seconds = 30;
  std::string instance;     // request: the reply queue is reply.<instance>
  int route_wait_ms = 1000; // send: how long to wait for word that the message routed nowhere
  bool raw = false;         // request: the reply as it came, not indented
};

// Reads and validates the message; gives it a MessageID when it has none.
bool load(const MessageArgs& args, XmlCodec& codec, Envelope& envelope) {
  std::string error;
  auto xml = read_input(args.file, &error);
  if (!xml) {
    std::cerr << error << "\n";
    return false;
  }
  DecodeResult r = codec.decode(*xml);
  if (!r.accepted()) {
    for (const auto& d : r.diagnostics) std::cerr << args.file << ": " << d.code << " " << d.path << ": " << d.reason << "\n";
    return false;
  }
  envelope = std::move(r.envelope);
  auto* header = envelope.mutable_message()->mutable_header();
  if (!envelope.message().has_header() || header->noun().empty()) {
    std::cerr << args.file << ": a message without Header cannot be routed\n";
    return false;
  }
  if (header->message_id().empty()) header->set_message_id(new_uuid());
  return true;
}

// A routing key of either naming: req.… and evt.…, or <CONTEXT>.REQUESTS.… and <CONTEXT>.EVENTS.….
bool is_routing_key(const std::string& text) {
  if (text.rfind("req.", 0) == 0 || text.rfind("evt.", 0) == 0) return true;
  const auto dot = text.find('.');
  return dot != std::string::npos && dot > 0 && (text.compare(dot, 10, ".REQUESTS.") == 0 || text.compare(dot, 8, ".EVENTS.") == 0);
}

// The address to send to. Without --to, the Header's routing key through the cim exchange. A bare
// routing key (req.…, evt.…) goes through the exchange too, whose alternate exchange keeps what
// routes nowhere (cim.unrouted); any other bare name is a queue, which must exist (the broker
// refuses a link to one that does not); an address ("/…", "queue://…") is used as it is.
std::string target_of(const MessageArgs& args, const bus::BrokerProfile& profile, const Envelope& e) {
  const msg::HeaderType& h = e.message().header();
  if (args.to.empty()) {
    if (args.naming == "context" && h.context().empty())
      throw std::runtime_error(args.file + ": --naming context routes by the Header's Context, and it has none");
    return profile.publish_address(bus::Naming::named(args.naming, h.context()).routing_key(routed_noun(e), h.verb()));
  }
  if (bus::BrokerProfile::is_address(args.to)) return args.to;
  if (is_routing_key(args.to)) return profile.publish_address(args.to);
  return profile.reply_address(args.to);  // the profile's address of a queue that exists
}

// Errors of the sending link (a queue that does not exist, an address the user may not write to):
// the command ends with the broker's words instead of waiting out its time-out. A queue address
// is checked to exist first (the profile's checked_queue_prefix): RabbitMQ would take the message
// and drop it.
struct LinkErrors {
  std::mutex mutex;
  std::string first;

  bus::BusOptions options(const bus::BrokerProfile& profile) {
    bus::BusOptions o;
    o.give_up_refused_after = std::chrono::milliseconds(0);
    o.checked_queue_prefix = profile.checked_queue_prefix;
    o.on_error = [this](const std::string& error) {
      std::lock_guard<std::mutex> lock(mutex);
      if (first.empty()) first = error;
    };
    // A refused login, a refused connection, a TLS failure: said as the adapters say it.
    o.on_connection = [this](const bus::ConnectionEvent& e) {
      if (e.kind == bus::ConnectionEvent::Kind::connected) return;
      std::lock_guard<std::mutex> lock(mutex);
      if (connection.empty()) connection = bus::describe(e);
    };
    return o;
  }

  // Why the broker could not be reached, in the words of its first failure.
  std::string unreachable() {
    std::lock_guard<std::mutex> lock(mutex);
    if (!connection.empty()) return connection;
    return "cannot reach the broker" + (first.empty() ? std::string() : ": " + first);
  }

  std::string connection;
};

// True when `target` goes through an exchange whose unroutable messages the broker keeps, so that
// RouteCheck can tell.
bool routed_by_exchange(const bus::BrokerProfile& profile, const std::string& target) {
  return !profile.unrouted_address().empty() && !profile.queue_of(target).has_value();
}

// Where a command takes its answers, and the ReplyAddress that names it. Through the exchange by
// the queue's name where the profile routes replies so (RabbitMQ, decisions/0026): adapters that
// log in as their own users may not use the default exchange. Without an instance, a queue of
// this command alone, bound for as long as it runs; with one, the durable reply.<instance> (the
// topology binds it: cimbus topology --instance SYSTEM:INSTANCE).
struct ReplyQueue {
  std::string source;
  bus::ReceiveOptions options;
  std::string reply_address;
};

ReplyQueue reply_queue_of(const bus::BrokerProfile& profile, const std::string& instance) {
  const std::string queue = bus::reply_queue(instance.empty() ? "cli-" + new_uuid() : instance);
  ReplyQueue r;
  r.reply_address = profile.routed_reply_address(queue);
  if (instance.empty() && !profile.routed_reply.empty()) {
    r.source = profile.subscribe_address(queue);
    return r;
  }
  r.source = profile.own_queue_address(queue);
  r.options.durable = true;
  return r;
}

int run_send(const MessageArgs& args) {
  XmlCodec codec({parse_validation_policy(args.policy).value_or(ValidationPolicy::strict), {}});
  Envelope e;
  if (!load(args, codec, e)) return 1;
  const bus::BrokerProfile profile = args.broker.broker_profile();
  const std::string target = target_of(args, profile, e);
  const std::string id = e.message().header().message_id();
  bus::AmqpMessage message = bus::to_amqp_message(e, codec.encode(e));
  LinkErrors errors;
  bus::Bus bus(args.broker.connection(), errors.options(profile));
  // Through the exchange: word that it routed nowhere comes to a reply queue of this command.
  std::optional<RouteCheck> route;
  if (args.route_wait_ms > 0 && routed_by_exchange(profile, target)) {
    route.emplace(args.broker.connection(), profile);
    const ReplyQueue replies = reply_queue_of(profile, "");
    bus.receive(replies.source, [&route](const bus::AmqpMessage& m) {
      route->report(m);
      return bus::Outcome::accepted;
    }, replies.options);
    if (message.reply_to.empty()) message.reply_to = replies.reply_address;
  }
  bus.start();
  if (route && !bus.wait_ready(std::chrono::seconds(args.timeout_seconds))) {
    std::cerr << errors.unreachable() << "\n";
    bus.stop(0ms);
    return 1;
  }
  auto outcome = bus.send(target, std::move(message));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(args.timeout_seconds);
  while (outcome.wait_for(50ms) != std::future_status::ready) {
    std::string error;
    {
      std::lock_guard<std::mutex> lock(errors.mutex);
      error = !errors.first.empty() ? errors.first : errors.connection;  // a refused link, else a failed connection
    }
    if (!error.empty() || std::chrono::steady_clock::now() >= deadline) {
      std::cerr << (error.empty() ? "no answer from the broker within " + std::to_string(args.timeout_seconds) + " s"
                                  : "not sent to " + target + ": " + error) << "\n";
      bus.stop(0ms);
      return 1;
    }
  }
  const bus::Outcome o = outcome.get();
  if (o == bus::Outcome::refused) {
    std::cerr << "not sent: " << bus.refusal_of(target) << "\n";
    bus.stop(0ms);
    return 1;
  }
  if (o == bus::Outcome::accepted && route) {
    if (auto why = route->routed_nowhere(id, std::chrono::milliseconds(args.route_wait_ms))) {
      std::cerr << "not delivered: " << id << " to " << target << " routed nowhere, no queue is bound to its key (" << *why << ")\n";
      bus.stop(0ms);
      return 1;
    }
  }
  std::cout << "sent " << id << " to " << target << ": " << bus::to_string(o) << "\n";
  bus.stop();
  return o == bus::Outcome::accepted ? 0 : 1;
}

int run_request(const MessageArgs& args) {
  XmlCodec codec({parse_validation_policy(args.policy).value_or(ValidationPolicy::strict), {}});
  Envelope e;
  if (!load(args, codec, e)) return 1;
  const bus::BrokerProfile profile = args.broker.broker_profile();
  const ReplyQueue replies = reply_queue_of(profile, args.instance);
  e.mutable_message()->mutable_header()->set_reply_address(replies.reply_address);
  const std::string id = e.message().header().message_id();
  bus::AmqpMessage request = bus::to_amqp_message(e, codec.encode(e));
  const bus::TransportCorrelation expected = bus::reply_correlation(request);

  std::mutex mutex;
  std::condition_variable arrived;
  std::string reply;
  LinkErrors errors;
  bus::Bus bus(args.broker.connection(), errors.options(profile));
  const std::string target = target_of(args, profile, e);
  std::optional<RouteCheck> route;  // a running adapter's word comes as the reply itself
  if (routed_by_exchange(profile, target)) route.emplace(args.broker.connection(), profile);
  bus.receive(replies.source, [&](const bus::AmqpMessage& m) {
    if (bus::carried_correlation(m) != expected) return bus::Outcome::accepted;  // a late answer to an earlier request
    std::lock_guard<std::mutex> lock(mutex);
    reply = m.body;
    arrived.notify_all();
    return bus::Outcome::accepted;
  }, replies.options);
  bus.start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(args.timeout_seconds);
  if (!bus.wait_ready(std::chrono::seconds(args.timeout_seconds))) {
    std::cerr << errors.unreachable() << "\n";
    return 1;
  }
  const bus::Outcome sent = bus.send(target, std::move(request)).get();
  if (sent != bus::Outcome::accepted) {
    std::cerr << "the broker did not take the request: "
              << (sent == bus::Outcome::refused ? bus.refusal_of(target) : bus::to_string(sent)) << "\n";
    return 1;
  }
  std::unique_lock<std::mutex> lock(mutex);
  while (!arrived.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + 100ms), [&] { return !reply.empty(); })) {
    if (std::chrono::steady_clock::now() < deadline) {
      lock.unlock();
      auto why = route ? route->routed_nowhere(id, 0ms) : std::nullopt;
      lock.lock();
      if (!why) continue;
      lock.unlock();
      std::cerr << code::kInvalidNoun << " FATAL: " << id << " to " << target << " routed nowhere, no queue is bound to its key (" << *why << ")\n";
      bus.stop(0ms);
      return 1;
    }
    lock.unlock();
    std::cerr << code::kTimedOut << " FATAL: no reply to " << id << " within " << args.timeout_seconds << " s\n";
    bus.stop(0ms);
    return 1;
  }
  const std::string received = std::move(reply);
  lock.unlock();
  bus.stop();
  DecodeResult r = codec.decode(received);
  // For people, indented as the codec writes it; as it came with --raw, or when it does not decode.
  std::cout << (r.accepted() && !args.raw ? codec.encode(r.envelope, EncodeOptions{true, true, {}}) : received) << "\n";
  return r.accepted() && r.envelope.message().reply().result() != msg::ReplyType_Result::FAILED ? 0 : 1;
}

struct ListenArgs {
  BrokerArgs broker;
  std::string from;        // a queue name or an address
  std::string topic;       // or a routing-key pattern (a temporary subscription)
  int count = 0;           // 0: until interrupted
  int timeout_seconds = 0; // 0: no limit
  bool browse = false;     // --from: show without taking (released at the end)
};

int run_listen(const ListenArgs& args) {
  const bus::BrokerProfile profile = args.broker.broker_profile();
  std::string source = !args.topic.empty()                                  ? profile.subscribe_address(args.topic)
                       : args.from.empty() || bus::BrokerProfile::is_address(args.from) ? args.from
                                                                                       : profile.consume_address(args.from);
  if (source.empty()) {
    std::cerr << "give --from QUEUE or --topic PATTERN\n";
    return 2;
  }
  std::mutex mutex;
  std::condition_variable done;
  int received = 0;
  // What the broker refuses (a queue this user may not read, one that does not exist) is said
  // at once, once; the Bus keeps trying.
  bus::BusOptions options;
  options.on_error = [](const std::string& error) { std::cerr << "cimbus: " << error << std::endl; };
  // The connection's changes at once: each failure once until connected, each loss and reconnect.
  std::set<std::string> told;
  options.on_connection = [&told](const bus::ConnectionEvent& e) {
    const bool first_connect = e.kind == bus::ConnectionEvent::Kind::connected && e.connection <= 1;
    if (e.kind == bus::ConnectionEvent::Kind::connected) told.clear();
    if (first_connect || !told.insert(bus::describe(e)).second) return;
    std::cerr << "cimbus: " << bus::describe(e) << std::endl;
  };
  bus::Bus bus(args.broker.connection(), options);
  auto print = [](const bus::AmqpMessage& m) {
    std::cout << "# " << (m.properties.count("Verb") ? m.properties.at("Verb") : "?") << " " << m.subject << " message-id " << m.message_id << "\n"
              << m.body << "\n" << std::flush;
  };
  std::vector<bus::DeliveryId> browsed;  // --browse: held unsettled, released at the end
  if (args.browse) {
    bus::ReceiveOptions held;
    held.credit = args.count > 0 ? args.count : 1000;
    bus.receive_deferred(source, [&](bus::AmqpMessage m, bus::DeliveryId id) {
      std::lock_guard<std::mutex> lock(mutex);
      browsed.push_back(id);
      if (args.count > 0 && received >= args.count) return;
      print(m);
      ++received;
      done.notify_all();
    }, held);
  } else {
    bus.receive(source, [&](const bus::AmqpMessage& m) {
      std::lock_guard<std::mutex> lock(mutex);
      if (args.count > 0 && received >= args.count) return bus::Outcome::released;  // not ours to take
      print(m);
      ++received;
      done.notify_all();
      return bus::Outcome::accepted;
    });
  }
  bus.start();
  // Said on stderr once the link is attached, so that a script can send only then.
  const auto attach = std::chrono::seconds(args.timeout_seconds > 0 ? std::min(args.timeout_seconds, 30) : 30);
  const char* how = !args.topic.empty() ? " (a subscription of this command's own)"
                    : args.browse      ? " (browsing: the messages stay in the queue)"
                                       : " (consuming: each message shown is taken from the queue; --browse leaves them)";
  if (bus.wait_ready(attach)) std::cerr << "listening on " << source << how << std::endl;
  else std::cerr << "not attached to " << source << " after " << attach.count() << " s; still trying" << std::endl;
  std::unique_lock<std::mutex> lock(mutex);
  auto finished = [&] { return args.count > 0 && received >= args.count; };
  if (args.timeout_seconds > 0) done.wait_for(lock, std::chrono::seconds(args.timeout_seconds), finished);
  else done.wait(lock, finished);
  const bool complete = args.count == 0 || received >= args.count;
  std::vector<std::pair<bus::DeliveryId, bus::Outcome>> back;
  for (bus::DeliveryId id : browsed) back.emplace_back(id, bus::Outcome::released);
  lock.unlock();
  if (!back.empty()) bus.settle(std::move(back));
  bus.stop();
  return complete ? 0 : 1;
}

void add_message_options(CLI::App* cmd, MessageArgs& args) {
  args.broker.add_to(*cmd);
  cmd->add_option("--to", args.to,
                  "Send to this routing key (req./evt.<Noun>.<verb>, through the cim exchange), queue (which must exist) or "
                  "address instead of the Header's routing key");
  cmd->add_option("--naming", args.naming,
                  "How the Header's routing key is named: cimbus (req./evt.<Noun>.<verb>) or context "
                  "(<Context>.REQUESTS./EVENTS.<Noun>.<verb>, IEC 61968-100 8.4.2)")
      ->check(CLI::IsMember({"cimbus", "context"}))
      ->capture_default_str();
  cmd->add_option("--policy", args.policy, "Validation of FILE: strict, lenient or off")
      ->check(CLI::IsMember({"strict", "lenient", "off"}))
      ->capture_default_str();
  cmd->add_option("--timeout", args.timeout_seconds, "Seconds to wait")->capture_default_str();
  cmd->add_option("--route-wait-ms", args.route_wait_ms,
                  "send: milliseconds to wait, after the broker took a message for the exchange, for word that it routed nowhere "
                  "(then exit 1); 0: do not wait")
      ->capture_default_str();
  cmd->add_option("file", args.file, "The message, XML (- for standard input)")->required();
}

}  // namespace

Command add_send_command(CLI::App& app) {
  auto args = std::make_shared<MessageArgs>();
  CLI::App* cmd = app.add_subcommand("send", "Send a message through the broker; prints the broker's outcome");
  add_message_options(cmd, *args);
  return [cmd, args] { return cmd->parsed() ? run_send(*args) : -1; };
}

Command add_request_command(CLI::App& app) {
  auto args = std::make_shared<MessageArgs>();
  CLI::App* cmd = app.add_subcommand("request", "Send a request and print its reply (exit 1 on FAILED or no reply: 4.1)");
  add_message_options(cmd, *args);
  cmd->add_flag("--raw", args->raw, "Print the reply as it came (default: indented, as the codec writes it)");
  cmd->add_option("--instance", args->instance,
                  "Receive the reply on the durable queue reply.<instance>, bound by the topology (cimbus topology --instance "
                  "SYSTEM:INSTANCE; default: a queue of this command alone)");
  return [cmd, args] { return cmd->parsed() ? run_request(*args) : -1; };
}

Command add_listen_command(CLI::App& app) {
  auto args = std::make_shared<ListenArgs>();
  CLI::App* cmd = app.add_subcommand("listen", "Print messages as they arrive");
  args->broker.add_to(*cmd);
  cmd->add_option("--from", args->from, "A queue (name or address)");
  cmd->add_option("--topic", args->topic, "A routing-key pattern, e.g. 'evt.TroubleTickets.*' (temporary subscription)");
  cmd->add_option("--count", args->count, "Stop after this many messages (0: never)")->capture_default_str();
  cmd->add_option("--timeout", args->timeout_seconds, "Stop after this many seconds (0: never)")->capture_default_str();
  cmd->add_flag("--browse", args->browse, "--from: show the messages without taking them (they stay in the queue)");
  return [cmd, args] { return cmd->parsed() ? run_listen(*args) : -1; };
}

}  // namespace cimbus::cli
