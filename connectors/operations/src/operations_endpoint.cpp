#include "cimbus/operations/operations_endpoint.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <vector>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "cimbus/codec/json_value.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/operations/trace.hpp"
#include "cimbus/store/journal.hpp"
#include "cimbus/store/store_figures.hpp"
#include "console_page.hpp"

namespace cimbus::operations {

namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::string json_of(const Struct& s) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(s, &out, options);
  return out + "\n";
}

using json::flag;
using json::text;

}  // namespace

class OperationsEndpoint::Impl {
 public:
  Impl(adapter::Adapter& adapter, http::HttpListener& listener, bool serves_root)
      : adapter_(adapter), listener_(listener), started_(std::chrono::steady_clock::now()) {
    httplib::Server& server = listener.server();
    if (serves_root) server.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/console"); });
    server.Get("/console", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(console_page()), "text/html; charset=utf-8");
    });
    server.Get("/trace", [this](const httplib::Request& req, httplib::Response& res) { trace(req, res); });
    server.Get("/health/live", [this](const httplib::Request&, httplib::Response& res) { live(res); });
    server.Get("/health/ready", [this](const httplib::Request&, httplib::Response& res) { ready(res); });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(adapter_.metrics_text(), "text/plain; version=0.0.4; charset=utf-8");
    });
    server.Get("/journal", [this](const httplib::Request& req, httplib::Response& res) { journal(req, res); });
    server.Get("/journal/counts", [this](const httplib::Request&, httplib::Response& res) { journal_counts(res); });
    server.Get("/backlog", [this](const httplib::Request&, httplib::Response& res) { backlog(res); });
  }

 private:
  void identify(Struct& body) const {
    const auto& config = adapter_.options().config;
    (*body.mutable_fields())["system"] = text(config.system());
    (*body.mutable_fields())["instance"] = text(config.instance());
  }

  void live(httplib::Response& res) const {
    Struct body;
    (*body.mutable_fields())["live"] = flag(true);
    identify(body);
    (*body.mutable_fields())["uptime_s"] = json::number(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    res.set_content(json_of(body), "application/json");
  }

  void ready(httplib::Response& res) const {
    const adapter::Readiness readiness = adapter_.readiness();
    Struct body;
    (*body.mutable_fields())["ready"] = flag(readiness.ready());
    identify(body);
    std::vector<Value> checks;
    for (const adapter::ReadinessCheck& c : readiness.checks)
      checks.push_back(json::object({{"name", text(c.name)}, {"ok", flag(c.ok)}, {"detail", text(c.detail)}}));
    (*body.mutable_fields())["checks"] = json::list(std::move(checks));
    res.status = readiness.ready() ? 200 : 503;
    res.set_content(json_of(body), "application/json");
  }

  // GET /journal/counts: the journal's rows counted by instance, direction, kind, noun, verb,
  // result and codes (what went through in the retention period, refusals and duplicates included).
  void journal_counts(httplib::Response& res) const {
    std::vector<store::JournalCount> counts;
    try {
      counts = store::JournalReader(adapter_.options().config.store()).counts();
    } catch (const std::exception& e) {
      res.status = 503;
      return res.set_content(std::string("the journal cannot be read now: ") + e.what() + "\n", "text/plain; charset=utf-8");
    }
    Struct body;
    identify(body);
    std::vector<Value> rows;
    for (const store::JournalCount& c : counts)
      rows.push_back(json::object({{"instance", text(c.instance)}, {"direction", text(c.direction)}, {"kind", text(c.kind)},
                                   {"noun", text(c.noun)}, {"verb", text(c.verb)}, {"result", text(c.result)},
                                   {"codes", text(c.codes)}, {"n", json::number(static_cast<double>(c.n))}}));
    (*body.mutable_fields())["counts"] = json::list(std::move(rows));
    res.set_content(json_of(body), "application/json");
  }

  // GET /backlog: what the store holds that is not done, across the instances sharing it.
  void backlog(httplib::Response& res) const {
    store::StoreFigures figures;
    try {
      figures = store::read_store_figures(adapter_.options().config.store());
    } catch (const std::exception& e) {
      res.status = 503;
      return res.set_content(std::string("the store cannot be read now: ") + e.what() + "\n", "text/plain; charset=utf-8");
    }
    Struct body;
    identify(body);
    auto& f = *body.mutable_fields();
    f["outbox_rows"] = json::number(static_cast<double>(figures.outbox_rows));
    f["inbox_entries"] = json::number(static_cast<double>(figures.inbox_entries));
    f["inbox_dead"] = json::number(static_cast<double>(figures.inbox_dead));
    res.set_content(json_of(body), "application/json");
  }

  // The ?id= of /journal and /trace; nullopt after answering 400 when it is missing or too long.
  static std::optional<std::string> id_param(const httplib::Request& req, httplib::Response& res) {
    std::string id = req.get_param_value("id");
    if (!id.empty() && id.size() <= 256) return id;
    res.status = 400;
    res.set_content("give ?id= a MessageID, CorrelationID, mRID or Request ID\n", "text/plain; charset=utf-8");
    return std::nullopt;
  }

  // GET /journal?id=ID[&limit=N][&bodies=1]: the rows that name ID (a MessageID, a CorrelationID,
  // an mRID or a Request ID) and the rows that answer them, oldest first.
  void journal(const httplib::Request& req, httplib::Response& res) const {
    const std::optional<std::string> id = id_param(req, res);
    if (!id) return;
    std::size_t limit = 500;
    if (req.has_param("limit")) limit = static_cast<std::size_t>(std::clamp(std::atol(req.get_param_value("limit").c_str()), 1L, 5000L));
    const bool bodies = req.get_param_value("bodies") == "1";
    std::vector<store::JournalEntry> rows;
    try {
      store::JournalReader reader(adapter_.options().config.store());
      rows = reader.find(*id, limit);
    } catch (const std::exception& e) {
      res.status = 503;
      return res.set_content(std::string("the journal cannot be read now: ") + e.what() + "\n", "text/plain; charset=utf-8");
    }
    Struct body;
    identify(body);
    (*body.mutable_fields())["id"] = text(*id);
    Value entries;
    entries.mutable_list_value();
    for (const store::JournalEntry& e : rows) {
      Value entry;
      auto& f = *entry.mutable_struct_value()->mutable_fields();
      f["at"] = text(format_timestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(e.at_ms))));
      f["instance"] = text(e.instance);
      f["direction"] = text(e.direction);
      f["kind"] = text(e.kind);
      f["noun"] = text(e.noun);
      f["verb"] = text(e.verb);
      f["message_id"] = text(e.message_id);
      f["correlation_id"] = text(e.correlation_id);
      f["subjects"] = json::strings(e.subjects);
      f["references"] = json::strings(e.references);
      f["result"] = text(e.result);
      f["codes"] = text(e.codes);
      f["peer"] = text(e.peer);
      if (bodies && e.body) f["body"] = text(*e.body);
      *entries.mutable_list_value()->add_values() = entry;
    }
    (*body.mutable_fields())["entries"] = entries;
    res.set_content(json_of(body), "application/json");
  }

  // GET /trace?id=ID: the conversation across this adapter and its peers (endpoint.peers), as
  // `cimbus trace` follows it: {"rows":[...journal entries...],"errors":[...]}.
  void trace(const httplib::Request& req, httplib::Response& res) const {
    const std::optional<std::string> id = id_param(req, res);
    if (!id) return;
    std::vector<std::string> endpoints = {listener_.scheme() + "://" + (listener_.host() == "0.0.0.0" ? std::string("127.0.0.1") : listener_.host()) +
                                          ":" + std::to_string(listener_.port())};
    for (const std::string& peer : adapter_.options().config.endpoint().peers()) endpoints.push_back(peer);
    const Trace t = trace_conversation(*id, endpoints);
    std::string body = "{\"rows\":[";
    for (std::size_t i = 0; i < t.rows.size(); ++i) body += (i ? "," : "") + t.rows[i].json;
    body += "],\"errors\":[";
    for (std::size_t i = 0; i < t.errors.size(); ++i) {
      Value v = text(t.errors[i]);
      std::string quoted;
      (void)google::protobuf::util::MessageToJsonString(v, &quoted);
      body += (i ? "," : "") + quoted;
    }
    res.set_content(body + "]}\n", "application/json");
  }

  adapter::Adapter& adapter_;
  http::HttpListener& listener_;
  const std::chrono::steady_clock::time_point started_;
};

OperationsEndpoint::OperationsEndpoint(adapter::Adapter& adapter, http::HttpListener& listener, bool serves_root)
    : impl_(std::make_unique<Impl>(adapter, listener, serves_root)) {}
OperationsEndpoint::~OperationsEndpoint() = default;

}  // namespace cimbus::operations
