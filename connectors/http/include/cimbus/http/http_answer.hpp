#pragma once
// What an adapter's HTTP server sends back for one call.

#include <string>

namespace cimbus::http {

struct HttpAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
};

}  // namespace cimbus::http
