#pragma once
// One GET of a JSON document from a loopback or LAN service of cimbus's own (an operations
// endpoint, a reference system's read API, an outside system's /state): what `cimbus trace` and
// the storm read.
//
//   google::protobuf::Struct state = http::get_json("http://127.0.0.1:8802/backlog");
//
// Threading: a free function; each call has its own client.

#include <chrono>
#include <string>

#include <google/protobuf/struct.pb.h>

namespace cimbus::http {

// Throws std::invalid_argument for a URL that is not http(s), std::runtime_error naming the URL
// when no answer came, the status was not 200 (with the body), or the body is not a JSON object.
// `bearer_token`: sent as the Authorization of a service that requires credentials (its token_env).
google::protobuf::Struct get_json(const std::string& url, std::chrono::seconds read_timeout = std::chrono::seconds(30),
                                  const std::string& bearer_token = {});

}  // namespace cimbus::http
