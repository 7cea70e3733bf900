#pragma once
// One SOAP call of a served service, from the HTTP request to the HTTP answer: read and validate
// the message under the adapter's policy, find the operation from the body's element and the
// SOAPAction, put the message on the bus, and answer with its reply (IEC 61968-100 clause 5.3.3,
// the smart proxy).
//
//   unreadable input (not SOAP, not XML, wrong envelope version,
//   an operation the service has not, a SOAPAction that names
//   another operation than the body)                          -> SOAP Fault, FaultMessage as detail
//   read but refused (schema, header rules, a ReplyAddress
//   that is not allowed)                                      -> response, Result FAILED, its codes
//   request                                                   -> the bus reply (4.1 after the deadline)
//   request with AsyncReplyFlag and an http(s) ReplyAddress   -> 0.3 now, the reply later by a call
//   event (Send, Receive, PublishEvent)                       -> published, then OK
//   result (Response, Reply<Noun>) of a request the adapter
//   forwarded to its system and the system acknowledged       -> the request's reply, then OK
//                                                                (FAILED 2.15 when none awaits it)
//
// Threading: handle() may be called from any number of threads at once.

#include <memory>
#include <string>
#include <string_view>

#include "cimbus/runtime/adapter.hpp"
#include "cimbus/web_services/service_catalog.hpp"
#include "cimbus/web_services/web_callback_client.hpp"
#include "cimbus/codec/codec_pool.hpp"
#include "cimbus/http/http_answer.hpp"
#include "cimbus/http/result_callbacks.hpp"

namespace cimbus::web_services {

class SoapCallHandler {
 public:
  SoapCallHandler(adapter::Adapter& adapter, std::shared_ptr<SchemaRegistry> registry);

  http::HttpAnswer handle(const Service& service, std::string_view content_type, std::string_view soap_action, std::string_view body);

 private:
  adapter::Adapter& adapter_;
  const config::WebServices& options_;
  CodecPool codecs_;
  http::ResultCallbacks callbacks_;
};

}  // namespace cimbus::web_services
