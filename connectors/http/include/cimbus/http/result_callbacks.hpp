#pragma once
// Asynchronous calls (a SOAP call with AsyncReplyFlag and an http(s) ReplyAddress, a JSON request
// with a Callback-URL): the caller got its acknowledgement at once; when the bus reply comes, it
// is POSTed to the caller's URL, rendered as the caller's binding wants (a SOAP call of the generic
// Response operation, or the JSON answer). A delivery that fails is tried again a few times, then
// logged and dropped. Only URLs that web_services.reply_urls allows are called (allowed_callback).
//
// Threading: add() may be called from any thread; one thread of its own waits for the replies and
// makes the calls. The destructor stops it; replies not yet come are abandoned (logged).

#include <functional>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cimbus/adapter_config.pb.h"
#include "cimbus/runtime/log.hpp"
#include "cimbus/runtime/replies.hpp"

namespace cimbus::http {

struct ResultCallback {
  std::string url;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  // The body of the call, from the replies (the document a synchronous call would have got).
  std::function<std::string(const adapter::Replies&)> render;
};

class ResultCallbacks {
 public:
  explicit ResultCallbacks(const adapter::Log& log);
  ~ResultCallbacks();

  void add(std::future<adapter::Replies> replies, ResultCallback callback);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether `url` is an http(s) URL, without spaces or control characters, that starts with one of
// `options.reply_urls`.
bool allowed_callback(const config::WebServices& options, const std::string& url);

}  // namespace cimbus::http
