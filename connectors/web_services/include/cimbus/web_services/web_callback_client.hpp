#pragma once
// The web-service callbacks of an adapter (cimbus/runtime/web_callback.hpp, decisions/0023): the
// reply to a bus message whose ReplyAddress is an http(s) URL is POSTed to that URL as a call of
// the generic Response operation (IEC 61968-100 Annex D): SOAP 1.1, SOAPAction
// "http://iec.ch/61968/Response", the ResponseMessage (the plain one, not the noun's typed root) in
// the Body. Only URLs that start with one of
// web_services.reply_urls are called; time-out web_services.callback_timeout_ms, CA certificates
// web_services.callback_ca_file (else the machine's).
//
//   adapter.answer_web_callbacks(web_services::web_callback_client(options.config.web_services(), registry));
//
// What the callee answers:
//   HTTP 2xx without a SOAP Fault                      -> taken
//   a SOAP Fault blaming the caller (Client/Sender),
//   HTTP 4xx other than 408 and 429                    -> refused for good (adapter::Rejection)
//   no answer, a time-out, HTTP 5xx, 408, 429,
//   a SOAP Fault of the callee's own (Server/Receiver) -> a temporary failure, called again
//
// Threading: the callback's functions may run on several threads at once.

#include <memory>
#include <string_view>

#include "cimbus/adapter_config.pb.h"
#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/runtime/web_callback.hpp"

namespace cimbus::web_services {

// The SOAPAction of the generic Response operation, with which asynchronous results are delivered.
inline constexpr std::string_view kResponseAction = "http://iec.ch/61968/Response";

// Throws std::invalid_argument for a callback_ca_file that cannot be read.
adapter::WebCallback web_callback_client(const config::WebServices& options, std::shared_ptr<SchemaRegistry> registry);

}  // namespace cimbus::web_services
