#include "cimbus/json/json_client.hpp"

#include <stdexcept>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/http/system_endpoint.hpp"
#include "cimbus/json/json_message.hpp"
#include "cimbus/runtime/rejection.hpp"

namespace cimbus::json {

class JsonClient::Impl {
 public:
  Impl(const config::Connector& connector, std::shared_ptr<SchemaRegistry> registry) : endpoint_(connector), registry_(std::move(registry)) {}

  void call(const Envelope& message, Envelope& reply) const {
    const msg::HeaderType& h = message.message().header();
    if (h.verb() == msg::HeaderType_Verb::execute)
      throw adapter::Rejection(code::kInvalidVerb, "OperationSets are not sent to a system connected by json; send its operations one by one");
    const std::string noun(registry_->canonical_noun(h.noun()));
    const std::string url = endpoint_.url_for(noun) + "/" + noun + "/" + to_literal(h.verb());
    const http::HttpResponse r = endpoint_.post(url, to_json_message(message), "application/json", {{"Idempotency-Key", h.message_id()}});
    if (r.status >= 500) throw std::runtime_error(url + " answered HTTP " + std::to_string(r.status));
    if (r.status >= 400) {
      Diagnostics errors = errors_from_json(r.body);
      if (errors.empty()) errors.push_back(diagnostic(code::kTransactionFailed, url + " answered HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200)));
      throw adapter::Rejection(std::move(errors));
    }
    if (r.status >= 300) throw std::runtime_error(url + " answered HTTP " + std::to_string(r.status) + " (redirects are not followed)");
    if (r.status == 202 && !is_event_verb(h.verb())) {
      // Accepted: the result comes later (POST /results/<Noun>, Adapter::take_result).
      *reply.mutable_message()->mutable_reply()->add_error() =
          to_error(diagnostic(code::kSimpleAcknowledgment, "Accepted by the system; the result follows", Level::inform));
      return;
    }
    if (is_event_verb(h.verb()) || r.body.find_first_not_of(" \t\r\n") == std::string::npos || r.body == "{}") return;
    try {
      add_payload_from_json(*registry_, noun, r.body, reply);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(url + " answered a body that is not a " + noun + " payload: " + e.what());
    }
  }

 private:
  const http::SystemEndpoint endpoint_;
  const std::shared_ptr<SchemaRegistry> registry_;
};

JsonClient::JsonClient(const config::Connector& connector, std::shared_ptr<SchemaRegistry> registry)
    : impl_(std::make_unique<Impl>(connector, std::move(registry))) {}
JsonClient::~JsonClient() = default;

void JsonClient::call(const Envelope& message, Envelope& reply) const { impl_->call(message, reply); }

}  // namespace cimbus::json
