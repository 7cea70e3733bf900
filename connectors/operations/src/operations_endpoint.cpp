#include "cimbus/operations/operations_endpoint.hpp"

#include <chrono>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

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

Value text(const std::string& s) {
  Value v;
  v.set_string_value(s);
  return v;
}

Value flag(bool b) {
  Value v;
  v.set_bool_value(b);
  return v;
}

}  // namespace

class OperationsEndpoint::Impl {
 public:
  Impl(adapter::Adapter& adapter, http::HttpListener& listener) : adapter_(adapter), started_(std::chrono::steady_clock::now()) {
    httplib::Server& server = listener.server();
    server.Get("/health/live", [this](const httplib::Request&, httplib::Response& res) { live(res); });
    server.Get("/health/ready", [this](const httplib::Request&, httplib::Response& res) { ready(res); });
    server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(adapter_.metrics_text(), "text/plain; version=0.0.4; charset=utf-8");
    });
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
    Value uptime;
    uptime.set_number_value(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
    (*body.mutable_fields())["uptime_s"] = uptime;
    res.set_content(json_of(body), "application/json");
  }

  void ready(httplib::Response& res) const {
    const adapter::Readiness readiness = adapter_.readiness();
    Struct body;
    (*body.mutable_fields())["ready"] = flag(readiness.ready());
    identify(body);
    Value checks;
    for (const adapter::ReadinessCheck& c : readiness.checks) {
      Value check;
      auto& fields = *check.mutable_struct_value()->mutable_fields();
      fields["name"] = text(c.name);
      fields["ok"] = flag(c.ok);
      fields["detail"] = text(c.detail);
      *checks.mutable_list_value()->add_values() = check;
    }
    (*body.mutable_fields())["checks"] = checks;
    res.status = readiness.ready() ? 200 : 503;
    res.set_content(json_of(body), "application/json");
  }

  adapter::Adapter& adapter_;
  const std::chrono::steady_clock::time_point started_;
};

OperationsEndpoint::OperationsEndpoint(adapter::Adapter& adapter, http::HttpListener& listener)
    : impl_(std::make_unique<Impl>(adapter, listener)) {}
OperationsEndpoint::~OperationsEndpoint() = default;

}  // namespace cimbus::operations
