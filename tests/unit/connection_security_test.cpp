// What a broker connection must be before it is opened (bus::check_security): no password in
// clear unless allowed, EXTERNAL only with a client certificate over TLS, no IP address where
// the certificate's host name is checked, keys that only their owner reads (issue 16).

#include <sys/stat.h>

#include <string>

#include <gtest/gtest.h>

#include "cimbus/bus/connection_options.hpp"
#include "test_files.hpp"

namespace cimbus::bus {
namespace {

ConnectionOptions with_url(const std::string& url) {
  ConnectionOptions o;
  o.urls = {url};
  take_login_from_urls(o);
  return o;
}

std::string refusal(const ConnectionOptions& o) {
  try {
    check_security(o);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ConnectionSecurity, PlainInClearIsRefusedUnlessAllowedAndThenSaid) {
  ConnectionOptions o = with_url("amqp://cimbus:secret@broker.example:5672");
  EXPECT_NE(refusal(o).find("password in clear"), std::string::npos) << refusal(o);
  o.allow_plain_without_tls = true;
  EXPECT_EQ(refusal(o), "");
  ASSERT_EQ(security_warnings(o).size(), 1u);
  EXPECT_EQ(security_warnings(o)[0].find("secret"), std::string::npos) << "a warning never carries the password";
  EXPECT_TRUE(security_warnings(with_url("amqps://cimbus:secret@broker.example:5671")).empty());
}

TEST(ConnectionSecurity, TlsIsNotDroppedOnFailover) {
  ConnectionOptions o = with_url("amqps://broker-a.example:5671");
  o.urls.push_back("amqp://broker-b.example:5672");
  EXPECT_NE(refusal(o).find("a failover would drop TLS"), std::string::npos) << refusal(o);
}

TEST(ConnectionSecurity, ExternalNeedsTlsAndAClientCertificate) {
  ConnectionOptions o = with_url("amqps://broker.example:5671");
  o.sasl_mechanisms = "EXTERNAL";
  EXPECT_NE(refusal(o).find("SASL EXTERNAL needs TLS with a client certificate"), std::string::npos) << refusal(o);
  o.tls.certificate_file = "client.pem";
  EXPECT_NE(refusal(o).find("go together"), std::string::npos) << refusal(o);
}

TEST(ConnectionSecurity, AnAddressWhereTheHostNameIsChecked) {
  ConnectionOptions o = with_url("amqps://cimbus:x@127.0.0.1:5671");
  EXPECT_NE(refusal(o).find("not an IP address"), std::string::npos) << refusal(o);
  o.tls.verify = TlsVerify::chain;
  EXPECT_EQ(refusal(o), "");
  o.tls.verify = TlsVerify::none;
  ASSERT_EQ(security_warnings(o).size(), 1u);
  EXPECT_NE(security_warnings(o)[0].find("not checked"), std::string::npos);
  EXPECT_EQ(parse_tls_verify("names"), std::nullopt);
}

TEST(ConnectionSecurity, AKeyOthersMayReadIsRefused) {
  const std::string certificate = test::scratch_file("connection-security-client.pem", "certificate");
  const std::string key = test::scratch_file("connection-security-client.key", "key");
  ::chmod(key.c_str(), 0644);
  ConnectionOptions o = with_url("amqps://broker.example:5671");
  o.sasl_mechanisms = "EXTERNAL";
  o.tls.certificate_file = certificate;
  o.tls.key_file = key;
  EXPECT_NE(refusal(o).find("may be read by others (mode 0644)"), std::string::npos) << refusal(o);
  ::chmod(key.c_str(), 0600);
  EXPECT_EQ(refusal(o), "");
  o.tls.ca_file = certificate + ".missing";
  EXPECT_NE(refusal(o).find("cannot be read"), std::string::npos) << refusal(o);
}

}  // namespace
}  // namespace cimbus::bus
