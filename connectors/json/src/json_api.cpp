#include "cimbus/json/json_api.hpp"

#include <chrono>

#include "cimbus/codec/error_code.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/timestamp.hpp"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/codec_pool.hpp"
#include "cimbus/http/result_callbacks.hpp"
#include "cimbus/json/json_message.hpp"
#include "cimbus/store/statement.hpp"

namespace cimbus::json {

namespace {

using Result = msg::ReplyType_Result;

// Beyond a request's deadline, the time the runtime may take to deliver its 4.1 reply.
constexpr std::chrono::seconds kDeadlineGrace{5};
constexpr std::size_t kMaxKey = 200;

http::HttpAnswer json_answer(int status, std::string body) { return {status, "application/json", std::move(body)}; }

http::HttpAnswer error_answer(int status, const Diagnostics& errors) {
  Envelope failed;
  failed.mutable_message()->mutable_reply()->set_result(Result::FAILED);
  for (const auto& d : errors) *failed.mutable_message()->mutable_reply()->add_error() = to_error(d);
  return json_answer(status, reply_to_json(failed));
}

// Printable ASCII without quotes or backslashes: it goes into headers, JSON and XML as it is.
bool usable_key(const std::string& key) {
  if (key.size() > kMaxKey) return false;
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&') return false;
  return true;
}

}  // namespace

class JsonApi::Impl {
 public:
  Impl(adapter::Adapter& adapter, std::shared_ptr<SchemaRegistry> registry)
      : adapter_(adapter),
        registry_(registry),
        openapi_(openapi_of(*registry, adapter.options().config.system())),
        codecs_(CodecOptions{adapter.options().policy, {}}, registry),
        callbacks_(adapter.log()) {}

  http::HttpAnswer post(std::string_view kind, const std::string& noun, const std::string& verb_text, const std::string& key,
                        const std::string& callback_url, std::string_view body) {
    std::optional<Verb> verb = parse_verb(verb_text);
    std::optional<Diagnostic> deprecated;  // lenient: the verb read as its synonym, said in the reply
    if (const auto old = !verb ? deprecated_verb(verb_text) : std::nullopt) {
      const bool tolerated = old->synonym && adapter_.options().policy != ValidationPolicy::strict;
      const std::string synonym = old->synonym ? to_literal(*old->synonym) : std::string();
      if (!tolerated)
        return error_answer(404, {diagnostic(code::kInvalidVerb, "'" + verb_text + "' is a deprecated verb (IEC 61968-100 6.2.2)" +
                                                                     (synonym.empty() ? std::string(" with no synonym") : ": use its synonym '" + synonym + "'"))});
      verb = old->synonym;
      deprecated = diagnostic(code::kInvalidVerb, "deprecated verb '" + verb_text + "' read as its synonym '" + synonym + "' (IEC 61968-100 6.2.2; lenient)",
                              Level::warning);
    }
    const bool events = kind == "events";
    if (!verb || (events != is_event_verb(*verb)) || *verb == msg::HeaderType_Verb::reply)
      return error_answer(404, {diagnostic(code::kInvalidVerb, "'" + verb_text + "' is not " + (events ? "an event" : "a request") + " verb")});
    if (!key.empty() && !usable_key(key))
      return error_answer(400, {diagnostic(code::kSchemaInvalid, "Idempotency-Key: at most 200 printable ASCII characters, without \" \\ < > &")});
    Envelope message;
    try {
      message = from_json_message(*registry_, noun, *verb, body);
    } catch (const std::invalid_argument& e) {
      return error_answer(400, {diagnostic(code::kSchemaInvalid, e.what())});
    }
    msg::HeaderType* h = message.mutable_message()->mutable_header();
    if (!key.empty()) h->set_message_id(key);
    if (h->message_id().empty()) h->set_message_id(new_uuid());
    if (h->source().empty()) h->set_source(adapter_.options().config.system());
    if (Diagnostics refused = validate(message); !refused.empty()) return error_answer(422, refused);
    if (events) return publish(std::move(message), deprecated);
    if (!callback_url.empty()) return request_later(std::move(message), callback_url, deprecated);
    return request(std::move(message), deprecated);
  }

  http::HttpAnswer post_result(const std::string& noun, std::string_view body) {
    Envelope result;
    try {
      result = reply_from_json(*registry_, noun, body);
    } catch (const std::invalid_argument& e) {
      return error_answer(400, {diagnostic(code::kSchemaInvalid, e.what())});
    }
    result.mutable_message()->mutable_header()->set_message_id(new_uuid());
    if (Diagnostics refused = validate(result); !refused.empty()) return error_answer(422, refused);
    if (Diagnostics refused = adapter_.take_result(std::move(result)); !refused.empty()) return error_answer(422, refused);
    return json_answer(200, "{\"result\":\"OK\"}");
  }

  const std::string& openapi() const { return openapi_; }

 private:
  // The message as the bus would see it: encoded, then read under the adapter's policy.
  Diagnostics validate(Envelope& message) {
    auto codec = codecs_.borrow();
    const DecodeResult read = codec->decode(codec->encode(message));
    if (read.accepted()) return {};
    Diagnostics errors;
    for (const auto& d : read.diagnostics)
      if (d.is_error()) errors.push_back(d);
    return errors;
  }

  // Published once per MessageID: the key is noted in the same transaction as the event.
  // `warning`: a lenient reading of the event, said in the answer.
  http::HttpAnswer publish(Envelope event, const std::optional<Diagnostic>& warning) {
    const std::string id = event.message().header().message_id();
    bool duplicate = false;
    adapter_.transaction([&](adapter::Context& c) {
      store::Statement(c.tx(), "CREATE TABLE IF NOT EXISTS json_api_events (message_id TEXT PRIMARY KEY, noun TEXT, verb TEXT, at INTEGER)").run();
      store::Statement seen(c.tx(), "SELECT 1 FROM json_api_events WHERE message_id = ?");
      seen.bind(1, id);
      if (seen.step()) {
        duplicate = true;
        return;
      }
      store::Statement(c.tx(), "INSERT INTO json_api_events (message_id, noun, verb, at) VALUES (?, ?, ?, ?)")
          .bind(1, id)
          .bind(2, event.message().header().noun())
          .bind(3, to_literal(event.message().header().verb()))
          .bind(4, epoch_ms() / 1000)
          .run();
      c.publish(std::move(event));
    }).get();
    const std::string answer = "{\"messageId\":\"" + id + "\",\"duplicate\":" + (duplicate ? "true" : "false");
    if (!warning) return json_answer(duplicate ? 200 : 202, answer + "}");
    Envelope noted;  // the warning as a reply's result and errors
    noted.mutable_message()->mutable_reply()->set_result(Result::OK);
    *noted.mutable_message()->mutable_reply()->add_error() = to_error(*warning);
    return json_answer(duplicate ? 200 : 202, answer + "," + reply_to_json(noted).substr(1));
  }

  // Answered at once with 0.3; the answer goes to `url` when the reply comes.
  http::HttpAnswer request_later(Envelope message, const std::string& url, const std::optional<Diagnostic>& warning) {
    if (!http::allowed_callback(adapter_.options().config.web_services(), url))
      return error_answer(422, {diagnostic(code::kPolicyViolation, "Callback-URL " + url + " is not one this adapter may call (web_services.reply_urls)")});
    const std::string id = message.message().header().message_id();
    const std::chrono::milliseconds deadline(adapter_.options().config.web_services().call_timeout_ms());
    http::ResultCallback callback;
    callback.url = url;
    callback.content_type = "application/json";
    callback.headers.emplace_back("Idempotency-Key", id);
    callback.render = [](const adapter::Replies& replies) { return reply_to_json(replies.merged()); };
    callbacks_.add(adapter_.request(std::move(message), deadline), std::move(callback));
    Envelope accepted;
    accepted.mutable_message()->mutable_reply()->set_result(Result::OK);
    *accepted.mutable_message()->mutable_reply()->add_error() =
        to_error(diagnostic(code::kSimpleAcknowledgment, "Accepted; the result follows at " + url, Level::inform));
    if (warning) *accepted.mutable_message()->mutable_reply()->add_error() = to_error(*warning);
    return json_answer(202, "{\"messageId\":\"" + id + "\"," + reply_to_json(accepted).substr(1));
  }

  // `warning`: a lenient reading of the request, said in its reply.
  http::HttpAnswer request(Envelope message, const std::optional<Diagnostic>& warning) {
    // The same deadline as a synchronous SOAP call's.
    const std::chrono::milliseconds deadline(adapter_.options().config.web_services().call_timeout_ms());
    std::future<adapter::Replies> replies = adapter_.request(std::move(message), deadline);
    if (replies.wait_for(deadline + kDeadlineGrace) != std::future_status::ready)
      return error_answer(504, {diagnostic(code::kTimedOut, "no reply within " + std::to_string(deadline.count()) + " ms")});
    Envelope reply = replies.get().merged();
    if (warning) *reply.mutable_message()->mutable_reply()->add_error() = to_error(*warning);
    const auto& r = reply.message().reply();
    int status = 200;
    if (r.result() == Result::FAILED) {
      status = 422;
      for (const auto& e : r.error())
        if (e.code() == code::kTimedOut) status = 504;
    }
    return json_answer(status, reply_to_json(reply));
  }

  adapter::Adapter& adapter_;
  const std::shared_ptr<SchemaRegistry> registry_;
  const std::string openapi_;
  CodecPool codecs_;
  http::ResultCallbacks callbacks_;
};

JsonApi::JsonApi(adapter::Adapter& adapter, std::shared_ptr<SchemaRegistry> registry) : impl_(std::make_unique<Impl>(adapter, std::move(registry))) {}
JsonApi::~JsonApi() = default;

http::HttpAnswer JsonApi::post(std::string_view kind, const std::string& noun, const std::string& verb, const std::string& key,
                               const std::string& callback_url, std::string_view body) {
  return impl_->post(kind, noun, verb, key, callback_url, body);
}

http::HttpAnswer JsonApi::post_result(const std::string& noun, std::string_view body) { return impl_->post_result(noun, body); }

const std::string& JsonApi::openapi() const { return impl_->openapi(); }

}  // namespace cimbus::json
