#include "cimbus/web_services/web_callback_client.hpp"

#include <fstream>
#include <memory>
#include <stdexcept>

#include "cimbus/codec/codec_pool.hpp"
#include "cimbus/codec/error_code.hpp"
#include "cimbus/http/result_callbacks.hpp"
#include "cimbus/http/system_endpoint.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "cimbus/web_services/soap_envelope.hpp"

namespace cimbus::web_services {

namespace {

// The callee's word is final for a request it blames on the caller, except "too soon" (408, 429).
bool refused_for_good(int status) { return status >= 400 && status < 500 && status != 408 && status != 429; }

// The reply as sent on the bus is in its noun's typed root (GetIncidentsResponseMessage); the
// generic Response operation takes the plain ResponseMessage.
std::string as_generic_response(XmlCodec& codec, const std::string& reply) {
  DecodeResult decoded = codec.decode(reply);
  if (decoded.status == DecodeResult::Status::unreadable)
    throw adapter::Rejection(code::kTransactionFailed, "the reply cannot be read as an IEC 61968-100 message");
  decoded.envelope.set_archetype(Envelope::RESPONSE_MESSAGE);
  decoded.envelope.clear_wrapper();
  return codec.encode(decoded.envelope);
}

void call(const http::SystemEndpoint& endpoint, CodecPool& codecs, const std::string& url, const std::string& reply) {
  const std::string action = "\"" + std::string(kResponseAction) + "\"";
  const std::string body = soap_envelope(SoapVersion::soap11, as_generic_response(*codecs.borrow(), reply));
  const http::HttpResponse r = endpoint.post(url, body, content_type_of(SoapVersion::soap11), {{"SOAPAction", action}});
  if (auto fault = soap_fault_of(r.body)) {
    if (fault->side == FaultSide::sender) throw adapter::Rejection(code::kTransactionFailed, "a SOAP Fault (Client): " + fault->reason);
    throw std::runtime_error("a SOAP Fault (Server): " + fault->reason);
  }
  if (refused_for_good(r.status)) throw adapter::Rejection(code::kTransactionFailed, "HTTP " + std::to_string(r.status));
  if (r.status >= 300) throw std::runtime_error("HTTP " + std::to_string(r.status));
}

}  // namespace

adapter::WebCallback web_callback_client(const config::WebServices& options, std::shared_ptr<SchemaRegistry> registry) {
  if (!options.callback_ca_file().empty() && !std::ifstream(options.callback_ca_file()))
    throw std::invalid_argument("web_services.callback_ca_file: cannot read " + options.callback_ca_file());
  config::Connector settings;  // what SystemEndpoint takes: no URL of its own, the time-out, the CAs
  settings.set_timeout_ms(options.callback_timeout_ms() > 0 ? options.callback_timeout_ms() : 10000);
  settings.set_ca_file(options.callback_ca_file());
  auto endpoint = std::make_shared<const http::SystemEndpoint>(settings);
  // Off: the replies are the adapter's own, checked when they were made.
  auto codecs = std::make_shared<CodecPool>(CodecOptions{ValidationPolicy::off, {}}, std::move(registry));
  adapter::WebCallback callback;
  callback.reaches = [options](const std::string& url) { return http::allowed_callback(options, url); };
  callback.call = [endpoint, codecs](const std::string& url, const std::string& reply) { call(*endpoint, *codecs, url, reply); };
  return callback;
}

}  // namespace cimbus::web_services
