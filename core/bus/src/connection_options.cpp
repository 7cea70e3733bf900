#include "cimbus/bus/connection_options.hpp"

namespace cimbus::bus {

void take_login_from_urls(ConnectionOptions& options) {
  for (std::string& url : options.urls) {
    const auto scheme = url.find("://");
    const auto at = url.find('@');
    if (scheme == std::string::npos || at == std::string::npos || at < scheme) continue;
    const std::string login = url.substr(scheme + 3, at - scheme - 3);
    const auto colon = login.find(':');
    if (options.user.empty()) options.user = login.substr(0, colon);
    if (options.password.empty() && colon != std::string::npos) options.password = login.substr(colon + 1);
    url.erase(scheme + 3, at - scheme - 2);
  }
  if (!options.urls.empty() && options.urls.front().rfind("amqps://", 0) == 0) options.tls.enabled = true;
}

}  // namespace cimbus::bus
