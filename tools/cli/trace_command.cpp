// cimbus trace: a conversation across the systems, from the journals of their adapters
// (GET /journal?id= on each adapter's operations endpoint), as one timeline.
//
// From the ID given (a MessageID, CorrelationID, mRID or Request ID) it follows the objects the
// conversation reaches: a message that names a followed object among its references, and whose
// own objects are of a noun not yet followed, adds its objects (a ticket's incident, the
// incident's maintenance order). Messages about other objects of a followed noun (another ticket
// of the same incident) are left out; replies come with the messages they answer.

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <httplib.h>

#include "cimbus/http/http_url.hpp"
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

struct Row {
  std::string at, instance, direction, kind, noun, verb, message_id, correlation_id, result, codes, peer;
  std::vector<std::string> subjects, references;
  std::string raw;  // the entry as JSON, for --json
};

std::string field(const google::protobuf::Struct& s, const char* name) {
  auto it = s.fields().find(name);
  return it == s.fields().end() ? std::string() : it->second.string_value();
}

std::vector<std::string> list(const google::protobuf::Struct& s, const char* name) {
  std::vector<std::string> out;
  auto it = s.fields().find(name);
  if (it != s.fields().end())
    for (const auto& v : it->second.list_value().values()) out.push_back(v.string_value());
  return out;
}

// The rows one endpoint's journal has for `id`; throws with the endpoint's words on failure.
std::vector<Row> ask(const std::string& endpoint, const std::string& id) {
  const auto url = http::parse_http_url(endpoint);
  if (!url) throw std::invalid_argument("--endpoint " + endpoint + ": not an http(s) URL");
  httplib::Client client(url->origin);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  const std::string base = url->path == "/" ? std::string() : url->path;
  auto res = client.Get(base + "/journal?" + httplib::detail::params_to_query_str({{"id", id}, {"limit", "5000"}}));
  if (!res) throw std::runtime_error(endpoint + ": no answer (" + httplib::to_string(res.error()) + ")");
  if (res->status != 200) throw std::runtime_error(endpoint + "/journal: HTTP " + std::to_string(res->status) + ": " + res->body);
  google::protobuf::Struct body;
  if (!google::protobuf::util::JsonStringToMessage(res->body, &body).ok()) throw std::runtime_error(endpoint + "/journal: not JSON");
  std::vector<Row> rows;
  auto entries = body.fields().find("entries");
  if (entries == body.fields().end()) return rows;
  for (const auto& v : entries->second.list_value().values()) {
    const auto& e = v.struct_value();
    Row r{field(e, "at"), field(e, "instance"), field(e, "direction"), field(e, "kind"), field(e, "noun"), field(e, "verb"),
          field(e, "message_id"), field(e, "correlation_id"), field(e, "result"), field(e, "codes"), field(e, "peer"),
          list(e, "subjects"), list(e, "references"), {}};
    google::protobuf::util::MessageToJsonString(e, &r.raw);
    rows.push_back(std::move(r));
  }
  return rows;
}

// Where an adapter's endpoint is, from its configuration: a fixed port is needed.
std::string endpoint_of(const std::string& config_path) {
  const config::AdapterConfig c = adapter::load_adapter_config(config_path);
  const std::string listen = !c.web_services().listen().empty() ? c.web_services().listen() : c.endpoint().listen();
  if (listen.empty() || listen == "off" || listen.size() < 2 || listen.substr(listen.size() - 2) == ":0")
    throw std::invalid_argument(config_path + ": its endpoint has no fixed address (endpoint.listen); give --endpoint URL");
  const bool tls = !c.web_services().listen().empty() ? !c.web_services().tls_certificate_file().empty() : !c.endpoint().tls_certificate_file().empty();
  return std::string(tls ? "https://" : "http://") + listen;
}

bool contains(const std::vector<std::string>& names, const std::string& name) { return std::find(names.begin(), names.end(), name) != names.end(); }

std::string shortened(const std::string& id) { return id.size() > 8 ? id.substr(0, 8) : id; }

std::string clock_of(const std::string& timestamp) {
  const std::size_t t = timestamp.find('T');
  return t == std::string::npos ? timestamp : timestamp.substr(t + 1);
}

void print_table(const std::vector<const Row*>& rows) {
  const std::vector<std::string> head = {"time", "instance", "dir", "kind", "verb", "noun", "MessageID", "CorrelationID", "result", "codes", "peer"};
  std::vector<std::vector<std::string>> cells;
  for (const Row* r : rows)
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
  std::map<std::string, Row> found;  // by instance, direction, MessageID and time: one row per journal row
  // The objects followed, and whether each was reached by a reference (then what its own messages
  // name is asked too, e.g. an incident's works, which its maintenance order names as well).
  std::map<std::string, bool> objects = {{args.id, false}};
  std::set<std::string> nouns, asked;
  struct Ask {
    std::string id;
    bool object;  // a followed object; else a name to look for messages of new nouns by
  };
  std::vector<Ask> to_ask = {{args.id, true}};
  int unreachable = 0;
  for (int round = 0; round < args.depth && !to_ask.empty(); ++round) {
    std::vector<Ask> next;
    for (const Ask& q : to_ask) {
      if (!asked.insert(q.id).second) continue;
      for (const std::string& endpoint : args.endpoints) {
        std::vector<Row> rows;
        try {
          rows = ask(endpoint, q.id);
        } catch (const std::exception& e) {
          if (round == 0) std::cerr << "cimbus trace: " << e.what() << "\n";
          unreachable += round == 0;
          continue;
        }
        for (Row& r : rows) {
          if (q.object && contains(r.subjects, q.id) && !r.noun.empty()) nouns.insert(r.noun);
          // What a followed object reached by a reference names is looked for next.
          if (q.object && objects[q.id] && contains(r.subjects, q.id))
            for (const std::string& name : r.references)
              if (!objects.count(name) && !asked.count(name)) next.push_back({name, false});
          // A message that names what is followed, about objects of a noun not followed yet: its
          // objects join (a ticket's incident; the incident's maintenance order).
          if (contains(r.references, q.id) && !r.noun.empty() && !r.subjects.empty() && !nouns.count(r.noun)) {
            nouns.insert(r.noun);
            for (const std::string& subject : r.subjects)
              if (objects.emplace(subject, true).second) next.push_back({subject, true});
          }
          if (!q.object && !(contains(r.references, q.id) && objects.count(r.subjects.empty() ? std::string() : r.subjects.front()))) continue;
          const std::string key = r.instance + "|" + r.direction + "|" + r.message_id + "|" + r.at + "|" + r.peer;
          found.emplace(key, std::move(r));
        }
      }
    }
    to_ask = std::move(next);
  }
  if (unreachable == static_cast<int>(args.endpoints.size())) return 1;
  // The conversation: rows about a followed object or naming the ID, and the replies to those.
  std::vector<const Row*> kept;
  std::set<std::string> kept_ids;
  for (const auto& [key, r] : found) {
    bool about = r.message_id == args.id || r.correlation_id == args.id;
    for (const std::string& name : r.subjects) about |= objects.count(name) > 0;
    if (r.subjects.empty())
      for (const std::string& name : r.references) about |= objects.count(name) > 0;
    if (about) {
      kept.push_back(&r);
      kept_ids.insert(r.message_id);
    }
  }
  for (const auto& [key, r] : found)
    if (r.subjects.empty() && !r.correlation_id.empty() && kept_ids.count(r.correlation_id) && std::find(kept.begin(), kept.end(), &r) == kept.end())
      kept.push_back(&r);
  std::sort(kept.begin(), kept.end(), [](const Row* a, const Row* b) { return a->at < b->at || (a->at == b->at && a->direction < b->direction); });
  if (args.json) {
    std::cout << "[";
    for (std::size_t i = 0; i < kept.size(); ++i) std::cout << (i ? ",\n " : "") << kept[i]->raw;
    std::cout << "]\n";
  } else if (kept.empty()) {
    std::cout << "no journal of " << args.endpoints.size() << " endpoint(s) names " << args.id << "\n";
  } else {
    print_table(kept);
    std::set<std::string> instances;
    for (const Row* r : kept) instances.insert(r->instance);
    std::cout << "\n" << kept.size() << " messages across " << instances.size() << " adapter(s), following " << objects.size() << " object(s)\n";
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
