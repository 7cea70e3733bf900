// cimbus trace: a conversation across the systems, from the journals of their adapters, as one
// timeline table (how it is followed: cimbus/operations/trace.hpp).

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "cimbus/operations/trace.hpp"
#include "cimbus/runtime/config_file.hpp"
#include "commands.hpp"

namespace cimbus::cli {

namespace {

struct TraceArgs {
  std::string id;
  std::vector<std::string> endpoints;
  std::vector<std::string> configs;
  int depth = 6;
  bool json = false;
};

// Where an adapter's endpoint is, from its configuration: a fixed port is needed.
std::string endpoint_of(const std::string& config_path) {
  const config::AdapterConfig c = adapter::load_adapter_config(config_path);
  const std::string listen = !c.web_services().listen().empty() ? c.web_services().listen() : c.endpoint().listen();
  if (listen.empty() || listen == "off" || listen.size() < 2 || listen.substr(listen.size() - 2) == ":0")
    throw std::invalid_argument(config_path + ": its endpoint has no fixed address (endpoint.listen); give --endpoint URL");
  const bool tls = !c.web_services().listen().empty() ? !c.web_services().tls_certificate_file().empty() : !c.endpoint().tls_certificate_file().empty();
  return std::string(tls ? "https://" : "http://") + listen;
}

std::string shortened(const std::string& id) { return id.size() > 8 ? id.substr(0, 8) : id; }

std::string clock_of(const std::string& timestamp) {
  const std::size_t t = timestamp.find('T');
  return t == std::string::npos ? timestamp : timestamp.substr(t + 1);
}

void print_table(const std::vector<const operations::TraceRow*>& rows) {
  const std::vector<std::string> head = {"time", "instance", "dir", "kind", "verb", "noun", "MessageID", "CorrelationID", "result", "codes", "peer"};
  std::vector<std::vector<std::string>> cells;
  for (const operations::TraceRow* r : rows)
    cells.push_back({clock_of(r->at), r->instance, r->direction, r->kind, r->verb, r->noun, shortened(r->message_id), shortened(r->correlation_id),
                     r->result, r->codes, r->peer});
  std::vector<std::size_t> width(head.size());
  for (std::size_t c = 0; c < head.size(); ++c) {
    width[c] = head[c].size();
    for (const auto& line : cells) width[c] = std::max(width[c], line[c].size());
  }
  auto print = [&](const std::vector<std::string>& line) {
    std::string out;
    for (std::size_t c = 0; c < line.size(); ++c) out += line[c] + std::string(c + 1 < line.size() ? width[c] - line[c].size() + 2 : 0, ' ');
    std::cout << out << "\n";
  };
  print(head);
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.push_back(std::string(w, '-'));
  print(rule);
  for (const auto& line : cells) print(line);
}

int run_trace(TraceArgs args) {
  for (const std::string& c : args.configs) args.endpoints.push_back(endpoint_of(c));
  if (args.endpoints.empty()) {
    std::cerr << "cimbus trace: give --endpoint URL (each adapter's) or --config FILE (deployments with fixed endpoint addresses)\n";
    return 2;
  }
  const operations::Trace t = operations::trace_conversation(args.id, args.endpoints, args.depth);
  for (const std::string& e : t.errors) std::cerr << "cimbus trace: " << e << "\n";
  if (t.unreachable == args.endpoints.size()) return 1;
  std::vector<const operations::TraceRow*> kept;
  for (const operations::TraceRow& r : t.rows) kept.push_back(&r);
  if (args.json) {
    std::cout << "[";
    for (std::size_t i = 0; i < kept.size(); ++i) std::cout << (i ? ",\n " : "") << kept[i]->json;
    std::cout << "]\n";
  } else if (kept.empty()) {
    std::cout << "no journal of " << args.endpoints.size() << " endpoint(s) names " << args.id << "\n";
  } else {
    print_table(kept);
    std::set<std::string> instances;
    for (const operations::TraceRow* r : kept) instances.insert(r->instance);
    std::cout << "\n" << kept.size() << " messages across " << instances.size() << " adapter(s), following " << t.objects << " object(s)\n";
  }
  return kept.empty() ? 1 : 0;
}

}  // namespace

Command add_trace_command(CLI::App& app) {
  auto args = std::make_shared<TraceArgs>();
  CLI::App* cmd = app.add_subcommand("trace", "Print a conversation across the systems as a timeline, from the adapters' journals: "
                                              "everything about a MessageID, CorrelationID, mRID or Request ID");
  cmd->add_option("id", args->id, "A MessageID, CorrelationID, mRID (e.g. a trouble ticket's) or Request ID")->required();
  cmd->add_option("--endpoint", args->endpoints, "An adapter's operations endpoint (http://127.0.0.1:9801); repeat for each adapter");
  cmd->add_option("--config", args->configs, "An adapter configuration whose endpoint address is fixed; repeat");
  cmd->add_option("--depth", args->depth, "Rounds of following the objects the conversation reaches")->capture_default_str()->check(CLI::Range(1, 10));
  cmd->add_flag("--json", args->json, "The journal rows as JSON instead of a table");
  return [cmd, args] { return cmd->parsed() ? run_trace(*args) : -1; };
}

}  // namespace cimbus::cli
