#include "cimbus/web_services/web_service_client.hpp"

#include <stdexcept>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/wrapper_name.hpp"
#include "cimbus/http/system_endpoint.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "cimbus/web_services/service_catalog.hpp"
#include "cimbus/web_services/soap_envelope.hpp"
#include "cimbus/codec/codec_pool.hpp"

namespace cimbus::web_services {

namespace {

using V = msg::HeaderType_Verb;

// The noun whose services take the message (an execute's Header may name the set).
std::string noun_of(const msg::HeaderType& h) { return h.verb() == V::execute ? operation_set_noun(h.noun()) : h.noun(); }

std::string first_reason(const DecodeResult& d) {
  for (const auto& x : d.diagnostics)
    if (x.is_error()) return x.code + " " + x.reason;
  return "unreadable";
}

}  // namespace

class WebServiceClient::Impl {
 public:
  Impl(const config::Connector& connector, std::shared_ptr<SchemaRegistry> registry, ValidationPolicy policy)
      : endpoint_(connector),
        version_(connector.soap_version() == "1.2" ? SoapVersion::soap12 : SoapVersion::soap11),
        catalog_(*registry),
        registry_(registry),
        reply_address_(connector.reply_address()),
        codecs_(CodecOptions{policy, {}}, registry) {}

  void call(const Envelope& message, Envelope& reply) const {
    const msg::HeaderType& h = message.message().header();
    const std::string noun(registry_->canonical_noun(noun_of(h)));
    const auto [service, op] = catalog_.to_call(noun, h.verb());
    if (op == nullptr) throw adapter::Rejection(code::kInvalidVerb, to_literal(h.verb()) + " " + noun + ": no web-service operation to call for it");

    Envelope out = message;
    if (!reply_address_.empty() && op->kind != CallKind::event) {
      // The system may acknowledge (0.3) and send the result to the adapter's Response service.
      out.mutable_message()->mutable_header()->set_async_reply_flag(true);
      out.mutable_message()->mutable_header()->set_reply_address(reply_address_);
    }
    out.set_archetype(op->kind == CallKind::event ? Envelope::EVENT_MESSAGE : Envelope::REQUEST_MESSAGE);
    out.mutable_wrapper()->set_namespace_(op->input.ns);
    out.mutable_wrapper()->set_name(op->input.name);
    auto codec = codecs_.borrow();
    http::SystemEndpoint::Headers headers;
    if (version_ == SoapVersion::soap11) headers.emplace_back("SOAPAction", "\"" + op->action + "\"");
    const std::string url = endpoint_.url_for(noun) + "/" + service->name;
    const http::HttpResponse r = endpoint_.post(url, soap_envelope(version_, codec->encode(out)), content_type_of(version_, op->action), headers);

    if (auto fault = soap_fault_of(r.body)) refuse_or_fail(*fault, *codec, url);
    if (r.status >= 300) throw std::runtime_error(url + " answered HTTP " + std::to_string(r.status) + " without a SOAP response");
    DecodeResult answer = codec->decode(r.body);
    if (answer.status == DecodeResult::Status::unreadable)
      throw std::runtime_error(url + " answered what cannot be read as an IEC 61968-100 response: " + first_reason(answer));
    // Nothing the adapter's policy refuses enters the bus, from either side.
    if (answer.status == DecodeResult::Status::rejected)
      throw std::runtime_error(url + " answered a response that the schemas refuse: " + first_reason(answer));
    copy_answer(answer.envelope, reply);
  }

 private:
  // A fault with a FaultMessage, or one that blames the caller, is the system's final word.
  [[noreturn]] static void refuse_or_fail(const SoapFault& fault, XmlCodec& codec, const std::string& url) {
    if (!fault.fault_message.empty()) {
      DecodeResult detail = codec.decode(fault.fault_message);
      Diagnostics errors;
      for (const auto& e : detail.envelope.message().reply().error())
        errors.push_back(diagnostic(e.code(), e.reason().empty() ? fault.reason : e.reason()));
      if (!errors.empty()) throw adapter::Rejection(std::move(errors));
    }
    if (fault.side == FaultSide::sender)
      throw adapter::Rejection(code::kTransactionFailed, "the system answered with a SOAP Fault: " + fault.reason);
    throw std::runtime_error(url + " answered with a SOAP Fault of its own: " + fault.reason);
  }

  const http::SystemEndpoint endpoint_;
  const SoapVersion version_;
  const ServiceCatalog catalog_;
  const std::shared_ptr<SchemaRegistry> registry_;
  const std::string reply_address_;
  mutable CodecPool codecs_;
};

WebServiceClient::WebServiceClient(const config::Connector& connector, std::shared_ptr<SchemaRegistry> registry, ValidationPolicy policy)
    : impl_(std::make_unique<Impl>(connector, std::move(registry), policy)) {}
WebServiceClient::~WebServiceClient() = default;

void WebServiceClient::call(const Envelope& message, Envelope& reply) const { impl_->call(message, reply); }

}  // namespace cimbus::web_services
