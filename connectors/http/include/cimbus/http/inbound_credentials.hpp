#pragma once
// Who may call the adapter's HTTP server (config web_services or endpoint: user + password_env, a
// credentials_file of "user:password" lines, token_env), and whether a call's Authorization
// header is one of them. Read once at start: a changed file or variable takes a restart.
//
//   InboundCredentials who(options.config.web_services());   // throws when a source is unreadable
//   if (!who.required() && !is_loopback(host)) refuse to start;
//   if (!who.accepts(request.get_header_value("Authorization"))) answer 401;
//
// Threading: const after construction; accepts() from any thread.

#include <string>
#include <string_view>
#include <vector>

#include "cimbus/adapter_config.pb.h"

namespace cimbus::http {

class InboundCredentials {
 public:
  // Throws std::invalid_argument naming the setting whose variable is not set or whose file
  // cannot be read or holds a line that is not "user:password".
  explicit InboundCredentials(const config::WebServices& options);
  explicit InboundCredentials(const config::Endpoint& options);
  // The same settings, from the configuration section named `section` (for the errors).
  struct Sources {
    std::string section;
    std::string user;
    std::string password_env;
    std::string credentials_file;
    std::string token_env;
  };
  explicit InboundCredentials(const Sources& sources);

  // Whether calls must authenticate: some credentials are configured.
  bool required() const { return !basic_.empty() || !tokens_.empty(); }
  // "Basic base64(user:password)" of a configured user, or "Bearer <token>" of the token.
  bool accepts(std::string_view authorization) const;

 private:
  std::vector<std::string> basic_;   // "user:password"
  std::vector<std::string> tokens_;
};

// True for 127.0.0.0/8, ::1 and localhost.
bool is_loopback(std::string_view host);

}  // namespace cimbus::http
