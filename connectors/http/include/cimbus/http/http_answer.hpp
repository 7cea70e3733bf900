#pragma once
// What the server sends back for one HTTP call.

#include <string>

namespace cimbus::web_services {

struct HttpAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
};

}  // namespace cimbus::web_services
