#pragma once
// The adapter's local HTTP API for a system connected by json (IEC 61968-100 clause 5.3.5): how
// such a system publishes its own changes and sends requests to the other systems. Served by the
// adapter's HTTP server (web_services.listen) beside the SOAP services.
//
//   POST /events/<Noun>/<verb>     {"payload": {...}}   -> 202 {"messageId": "..."}    (published)
//   POST /requests/<Noun>/<verb>   {"payload"|"query"}  -> 200 {"result": "OK", "payload": ...}
//                                                          422 FAILED {"result", "errors": [...]}
//                                                          504 no reply in time (4.1)
//        with a Callback-URL header (one web_services.reply_urls allows, else 422 7.7):
//                                                       -> 202 {"messageId", 0.3}, and the answer
//                                                          POSTed to that URL when the reply comes
//   POST /results/<Noun>           {"correlationId", "result", "errors", "payload"}
//                                                       -> 200 {"result": "OK"}: the result of a
//                                                          request the adapter sent the system and
//                                                          the system accepted with 202; 422 2.15
//                                                          when no request awaits it
//   GET  /openapi.json             the OpenAPI 3 description of these calls, with the JSON Schema
//                                  of each noun's payload, made from the loaded schemas
//
// The body is a message's JSON form (json_message.hpp); it is validated as a bus message is,
// under the adapter's policy (400 for a body that cannot be read, 422 with the codes for one that
// is invalid). Idempotency-Key (header) becomes the MessageID: an event is published once per
// key, whatever the number of calls (a second call answers 200 with "duplicate": true), and a
// request sent again with its key gets the reply of the first (the responder's inbox).
//
// Threading: post() may be called from any number of threads at once.

#include <memory>
#include <string>
#include <string_view>

#include "cimbus/http/http_answer.hpp"
#include "cimbus/runtime/adapter.hpp"

namespace cimbus::json {

class JsonApi {
 public:
  JsonApi(adapter::Adapter& adapter, std::shared_ptr<SchemaRegistry> registry);
  ~JsonApi();
  JsonApi(const JsonApi&) = delete;
  JsonApi& operator=(const JsonApi&) = delete;

  // `kind`: "events" or "requests".
  http::HttpAnswer post(std::string_view kind, const std::string& noun, const std::string& verb, const std::string& idempotency_key,
                        const std::string& callback_url, std::string_view body);
  // POST /results/<Noun>.
  http::HttpAnswer post_result(const std::string& noun, std::string_view body);
  const std::string& openapi() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The OpenAPI 3 document of the local API for the loaded nouns (json_api.hpp), as JSON.
std::string openapi_of(const SchemaRegistry& registry, const std::string& system);

}  // namespace cimbus::json
