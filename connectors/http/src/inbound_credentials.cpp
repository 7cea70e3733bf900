#include "cimbus/http/inbound_credentials.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace cimbus::http {

namespace {

std::string from_env(const std::string& variable, const std::string& section, const char* field) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') throw std::invalid_argument(section + "." + field + ": the variable " + variable + " is not set");
  return value;
}

std::string decode_base64(std::string_view in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const std::size_t at = kAlphabet.find(c);
    if (at == std::string::npos) return {};
    value = (value << 6) | static_cast<unsigned>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

// Compares without stopping at the first difference, so that the time taken does not tell how
// much of a guess was right.
bool same(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0 && !b.empty();
}

bool starts_with_word(std::string_view header, std::string_view scheme) {
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ') return false;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != std::tolower(static_cast<unsigned char>(scheme[i]))) return false;
  return true;
}

}  // namespace

InboundCredentials::InboundCredentials(const config::WebServices& o)
    : InboundCredentials(Sources{"web_services", o.user(), o.password_env(), o.credentials_file(), o.token_env()}) {}

InboundCredentials::InboundCredentials(const config::Endpoint& o)
    : InboundCredentials(Sources{"endpoint", o.user(), o.password_env(), o.credentials_file(), o.token_env()}) {}

InboundCredentials::InboundCredentials(const Sources& o) {
  if (!o.user.empty()) basic_.push_back(o.user + ":" + from_env(o.password_env, o.section, "password_env"));
  if (!o.token_env.empty()) tokens_.push_back(from_env(o.token_env, o.section, "token_env"));
  if (!o.credentials_file.empty()) {
    std::ifstream in(o.credentials_file);
    if (!in) throw std::invalid_argument(o.section + ".credentials_file: cannot read " + o.credentials_file);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      const std::size_t colon = line.find(':');
      if (colon == 0 || colon == std::string::npos || colon + 1 == line.size())
        throw std::invalid_argument(o.section + ".credentials_file: line " + std::to_string(n) + " of " + o.credentials_file + " is not user:password");
      basic_.push_back(line);
    }
  }
}

bool InboundCredentials::accepts(std::string_view authorization) const {
  bool ok = false;
  if (starts_with_word(authorization, "Basic")) {
    const std::string given = decode_base64(authorization.substr(6));
    for (const std::string& b : basic_) ok |= same(given, b);
  } else if (starts_with_word(authorization, "Bearer")) {
    for (const std::string& t : tokens_) ok |= same(authorization.substr(7), t);
  }
  return ok;
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

}  // namespace cimbus::http
