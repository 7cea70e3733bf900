#pragma once
// Asynchronous calls (AsyncReplyFlag with an http(s) ReplyAddress): the caller got its 0.3
// acknowledgement at once; when the bus reply comes, it is POSTed to the ReplyAddress as a SOAP
// call of the generic Response operation (IEC 61968-100 Annex D), in the SOAP version of the
// original call. A delivery that fails is tried again a few times, then logged and dropped.
//
// Threading: add() may be called from any thread; one thread of its own waits for the replies and
// makes the calls. The destructor stops it; replies not yet come are abandoned (logged).

#include <functional>
#include <future>
#include <memory>
#include <string>

#include "cimbus/runtime/log.hpp"
#include "cimbus/runtime/replies.hpp"
#include "cimbus/web_services/soap_envelope.hpp"

namespace cimbus::web_services {

class ReplyCallbacks {
 public:
  // Makes the SOAP body of the call from the replies (the same document a synchronous call would
  // have been answered with).
  using Render = std::function<std::string(const adapter::Replies&)>;

  explicit ReplyCallbacks(const adapter::Log& log);
  ~ReplyCallbacks();

  void add(std::future<adapter::Replies> replies, std::string url, SoapVersion version, Render render);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The SOAPAction of the generic Response operation, with which results are delivered.
inline constexpr std::string_view kResponseAction = "http://iec.ch/61968/Response";

}  // namespace cimbus::web_services
