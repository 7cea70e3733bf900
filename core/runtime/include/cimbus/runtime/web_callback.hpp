#pragma once
// A web-service callback (IEC 61968-100 6.3.2): a message from the bus whose ReplyAddress is an
// http(s) URL is answered by a call of that URL, which a connector makes (connectors/web_services:
// the generic Response operation). Registered with Adapter::answer_web_callbacks().
//
//   adapter.answer_web_callbacks({
//       [](const std::string& url) { return url.rfind("https://oms.example/replies/", 0) == 0; },
//       [&client](const std::string& url, const std::string& reply) { client.post(url, reply); }});
//
// The reply is an outbox row like any other (decisions/0023): it survives a restart, and it is
// removed only when the call succeeded. What a call does with the outcome:
//   - returns: the URL took the reply;
//   - throws Rejection: the URL refused it for good (HTTP 4xx, a SOAP Fault); the reply goes to the
//     dead-letter queue with the reason at once;
//   - throws anything else: a temporary failure (no answer, HTTP 5xx); called again after a pause
//     (web_services.callback_retry_ms, doubled each time), web_services.callback_attempts times in
//     all, then dead-lettered with the last reason.
// Without a registered callback, or for a URL it does not reach, the message is not executed: it
// is answered FAILED 7.7 at its AMQP reply-to, else dead-lettered with the reason.
//
// Threading: `reaches` is called on the worker thread, `call` on the runtime's callback threads,
// several at once: both must be safe to call from several threads at once.

#include <functional>
#include <string>
#include <string_view>

namespace cimbus::adapter {

struct WebCallback {
  // Whether the connector may call `url` (e.g. web_services.reply_urls).
  std::function<bool(const std::string& url)> reaches;
  // One call of `url` with `reply` (the encoded ResponseMessage, as sent on the bus).
  std::function<void(const std::string& url, const std::string& reply)> call;
};

// Whether an address is a web-service callback: an http:// or https:// URL.
inline bool is_callback_url(std::string_view address) { return address.rfind("http://", 0) == 0 || address.rfind("https://", 0) == 0; }

}  // namespace cimbus::adapter
