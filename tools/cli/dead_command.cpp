// cimbus dead list|show|redrive|purge: a system's dead-letter queue (<system>.dead), where its
// adapters put what they gave up on, each with why (x-cimbus-reason), from which queue
// (x-cimbus-queue) or for which destination (x-cimbus-target), after how many attempts.
//
// The queue is read by taking its messages without settling them and releasing them afterwards
// (the broker keeps them, in order): nothing is lost if the command stops half-way. `redrive`
// sends the chosen ones back where they came from, marked x-cimbus-redriven so that the adapter
// tries a message it gave up on afresh (its attempts counted from one, noted in its journal and
// log), and removes each from the dead-letter queue once the broker took it back. `purge` removes
// them, after a confirmation.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <memory>
#include <mutex>
#include <set>

#include "broker_args.hpp"
#include "cimbus/bus/addressing.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "commands.hpp"

namespace cimbus::cli {

namespace {

struct DeadArgs {
  BrokerArgs broker;
  std::string action;
  std::string system;
  std::string queue;  // instead of <system>.dead
  std::vector<std::string> ids;
  bool all = false;
  bool yes = false;
  std::string to;     // redrive: this address instead of the one the message came from
  int limit = 1000;
};

struct Dead {
  bus::AmqpMessage message;
  bus::DeliveryId delivery;
};

std::string property(const bus::AmqpMessage& m, const char* name) {
  auto it = m.properties.find(name);
  return it == m.properties.end() ? std::string() : it->second;
}

// The Header's Timestamp, read from the text (a dead letter may be any bytes).
std::string age_of(const bus::AmqpMessage& m) {
  const std::size_t open = m.body.find("Timestamp>");
  if (open == std::string::npos) return "?";
  const std::size_t start = open + 10, end = m.body.find('<', start);
  if (end == std::string::npos) return "?";
  const auto at = parse_timestamp_ms(m.body.substr(start, end - start));
  if (!at) return "?";
  const long long s = std::max<long long>(0, (epoch_ms() - *at) / 1000);
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return std::to_string(s / 60) + " min";
  if (s < 172800) return std::to_string(s / 3600) + " h";
  return std::to_string(s / 86400) + " d";
}

std::string clipped(std::string text, std::size_t width) {
  if (text.size() > width) text = text.substr(0, width - 3) + "...";
  return text;
}

void print_list(const std::vector<Dead>& dead, const std::string& queue) {
  std::cout << queue << ": " << dead.size() << " message(s)\n";
  if (dead.empty()) return;
  std::printf("%-4s %-8s %-36s %-14s %-9s %-18s %-9s %s\n", "#", "age", "MessageID", "noun", "verb", "from", "attempts", "reason");
  int n = 0;
  for (const Dead& d : dead) {
    const auto& m = d.message;
    std::string from = property(m, "x-cimbus-queue");
    if (from.empty()) from = property(m, "x-cimbus-target");
    if (from.empty()) from = "(broker)";
    std::printf("%-4d %-8s %-36s %-14s %-9s %-18s %-9s %s\n", ++n, age_of(m).c_str(), clipped(m.message_id, 36).c_str(), clipped(property(m, "Noun"), 14).c_str(),
                clipped(property(m, "Verb"), 9).c_str(), clipped(from, 18).c_str(), property(m, "x-cimbus-attempts").c_str(),
                clipped(property(m, "x-cimbus-reason"), 100).c_str());
  }
}

void print_message(const Dead& d) {
  const auto& m = d.message;
  std::cout << "MessageID " << m.message_id << "\n";
  if (!m.correlation_id.empty()) std::cout << "correlation-id " << m.correlation_id << "\n";
  if (!m.subject.empty()) std::cout << "subject " << m.subject << "\n";
  for (const auto& [k, v] : m.properties) std::cout << k << ": " << v << "\n";
  std::cout << "\n" << m.body << "\n\n";
}

// Where a dead letter came from, as an address to send it back to ("" when it cannot tell).
std::string origin_of(const bus::AmqpMessage& m, const DeadArgs& args, const bus::BrokerProfile& profile, const bus::Naming& naming) {
  if (!args.to.empty()) return bus::BrokerProfile::is_address(args.to) ? args.to : profile.reply_address(args.to);
  const std::string target = property(m, "x-cimbus-target");
  if (!target.empty()) return target;  // an outbox message the broker refused: its destination
  const std::string queue = property(m, "x-cimbus-queue");
  if (queue == "requests" || queue == "events") return profile.reply_address(naming.queues_of(args.system) + "." + queue);
  return "";
}

int run_dead(DeadArgs args) {
  const bus::BrokerProfile profile = args.broker.broker_profile();
  const bus::Naming naming;
  const std::string queue = !args.queue.empty() ? args.queue : naming.queues_of(args.system) + ".dead";
  const bool changes = args.action == "redrive" || args.action == "purge";
  if (changes && args.ids.empty() && !args.all) {
    std::cerr << "cimbus dead " << args.action << ": give --id MESSAGEID (repeatable) or --all\n";
    return 2;
  }
  if (args.action == "show" && args.ids.empty() && !args.all) {
    std::cerr << "cimbus dead show: give --id MESSAGEID (repeatable) or --all\n";
    return 2;
  }

  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Dead> dead;
  auto last = std::chrono::steady_clock::now();
  std::string trouble;
  bus::BusOptions options;
  options.on_error = [&](const std::string& e) {
    std::lock_guard<std::mutex> lock(mutex);
    if (trouble.empty()) trouble = e;
    arrived.notify_all();
  };
  options.on_connection = [&](const bus::ConnectionEvent& e) {
    if (e.kind == bus::ConnectionEvent::Kind::connected) return;
    std::lock_guard<std::mutex> lock(mutex);
    if (trouble.empty()) trouble = bus::describe(e);
    arrived.notify_all();
  };
  bus::Bus bus(args.broker.connection(), options);
  bus::ReceiveOptions receive;
  receive.credit = args.limit;
  bus.receive_deferred(profile.consume_address(queue), [&](bus::AmqpMessage m, bus::DeliveryId id) {
    std::lock_guard<std::mutex> lock(mutex);
    dead.push_back({std::move(m), id});
    last = std::chrono::steady_clock::now();
    arrived.notify_all();
  }, receive);
  bus.start();
  if (!bus.wait_ready(std::chrono::seconds(15))) {
    std::lock_guard<std::mutex> lock(mutex);
    std::cerr << "cimbus dead: cannot read " << queue << ": " << (trouble.empty() ? std::string("no answer from the broker") : trouble) << "\n";
    return 1;
  }
  {  // everything the queue holds (up to --limit): until none came for a second
    std::unique_lock<std::mutex> lock(mutex);
    last = std::chrono::steady_clock::now();
    while (static_cast<int>(dead.size()) < args.limit && std::chrono::steady_clock::now() - last < std::chrono::seconds(1))
      arrived.wait_for(lock, std::chrono::milliseconds(200));
  }
  std::vector<Dead> held;
  {
    std::lock_guard<std::mutex> lock(mutex);
    held = dead;
  }
  const std::set<std::string> wanted(args.ids.begin(), args.ids.end());
  auto chosen = [&](const Dead& d) { return args.all || wanted.count(d.message.message_id) > 0; };
  std::vector<std::pair<bus::DeliveryId, bus::Outcome>> settle;
  int status = 0;

  if (args.action == "list") {
    print_list(held, queue);
  } else if (args.action == "show") {
    int shown = 0;
    for (const Dead& d : held)
      if (chosen(d)) {
        print_message(d);
        ++shown;
      }
    if (shown == 0) {
      std::cerr << "cimbus dead show: no message with that MessageID in " << queue << "\n";
      status = 1;
    }
  } else if (args.action == "purge") {
    std::vector<const Dead*> gone;
    for (const Dead& d : held)
      if (chosen(d)) gone.push_back(&d);
    if (!args.yes && !gone.empty()) {
      std::cerr << "purge " << gone.size() << " message(s) from " << queue << " for good? type yes: " << std::flush;
      std::string answer;
      std::getline(std::cin, answer);
      if (answer != "yes") {
        std::cerr << "nothing purged\n";
        gone.clear();
        status = 1;
      }
    }
    for (const Dead* d : gone) settle.emplace_back(d->delivery, bus::Outcome::accepted);
    if (!gone.empty()) std::cout << "purged " << gone.size() << " message(s) from " << queue << "\n";
  } else {  // redrive
    int sent = 0, failed = 0;
    for (const Dead& d : held) {
      if (!chosen(d)) continue;
      const std::string to = origin_of(d.message, args, profile, naming);
      if (to.empty()) {
        std::cerr << d.message.message_id << ": where it came from is not known (" << property(d.message, "x-cimbus-queue")
                  << "); give --to QUEUE\n";
        ++failed;
        continue;
      }
      bus::AmqpMessage again = d.message;
      for (const char* p : {"x-cimbus-reason", "x-cimbus-queue", "x-cimbus-instance", "x-cimbus-attempts", "x-cimbus-target"}) again.properties.erase(p);
      again.properties["x-cimbus-redriven"] = now_timestamp();
      again.to.clear();
      const bus::Outcome outcome = bus.send(to, std::move(again)).get();
      if (outcome == bus::Outcome::accepted) {
        settle.emplace_back(d.delivery, bus::Outcome::accepted);
        std::cout << "redriven " << d.message.message_id << " to " << to << "\n";
        ++sent;
      } else {
        std::cerr << d.message.message_id << ": the broker did not take it at " << to << " (" << bus.refusal_of(to) << "); it stays in " << queue << "\n";
        ++failed;
      }
    }
    std::cout << sent << " message(s) redriven" << (failed ? ", " + std::to_string(failed) + " not" : std::string()) << "\n";
    if (failed > 0 || sent == 0) status = 1;
  }
  // The rest go back, as they were.
  std::set<bus::DeliveryId> settled;
  for (const auto& [id, o] : settle) settled.insert(id);
  for (const Dead& d : held)
    if (!settled.count(d.delivery)) settle.emplace_back(d.delivery, bus::Outcome::released);
  bus.settle(std::move(settle));
  bus.stop();
  return status;
}

}  // namespace

Command add_dead_command(CLI::App& app) {
  auto args = std::make_shared<DeadArgs>();
  CLI::App* cmd = app.add_subcommand("dead", "A system's dead-letter queue: list, show, redrive (send back after a fix), purge");
  args->broker.add_to(*cmd);
  cmd->add_option("action", args->action, "list, show, redrive or purge")->required()->check(CLI::IsMember({"list", "show", "redrive", "purge"}));
  cmd->add_option("--system", args->system, "The system (cis, oms, wms): its queue <system>.dead")->required();
  cmd->add_option("--queue", args->queue, "Another dead-letter queue than <system>.dead");
  cmd->add_option("--id", args->ids, "A message's MessageID (as list shows it); repeat");
  cmd->add_flag("--all", args->all, "Every message of the queue");
  cmd->add_flag("--yes", args->yes, "purge: without asking");
  cmd->add_option("--to", args->to, "redrive: to this queue or address instead of where it came from");
  cmd->add_option("--limit", args->limit, "Read at most this many")->capture_default_str()->check(CLI::Range(1, 100000));
  return [cmd, args] { return cmd->parsed() ? run_dead(*args) : -1; };
}

}  // namespace cimbus::cli
