// An adapter's configuration is refused at start with the field that is wrong: here, its context,
// naming and virtual host (issue 15, IEC 61968-100 6.3.2 and 8.4.2), and its broker security
// settings (issue 16).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "cimbus/runtime/adapter_options.hpp"
#include "cimbus/runtime/config_file.hpp"
#include "cimbus/runtime/secret_file.hpp"

namespace cimbus::adapter {
namespace {

config::AdapterConfig base() {
  config::AdapterConfig c;
  c.set_system("oms");
  c.set_instance("oms-1");
  c.mutable_broker()->add_urls("amqp://cimbus:secret@127.0.0.1:5672");
  c.mutable_broker()->set_allow_plain_without_tls(true);
  return c;
}

std::string refusal(const config::AdapterConfig& c) {
  try {
    AdapterOptions::from_config(c);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(AdapterOptions, TheContextNamingNamesEveryAddressAfterTheContext) {
  config::AdapterConfig c = base();
  c.set_context("TRAINING");
  c.set_naming("context");
  const AdapterOptions o = AdapterOptions::from_config(c);
  EXPECT_EQ(o.naming.routing_key("TroubleTickets", msg::HeaderType_Verb::create), "TRAINING.REQUESTS.TroubleTickets.create");
  c.set_naming("");
  EXPECT_EQ(AdapterOptions::from_config(c).naming.context, "") << "a context alone guards; the addresses stay cimbus's";
}

TEST(AdapterOptions, ANamingThatCannotBeFollowedIsRefused) {
  config::AdapterConfig c = base();
  c.set_naming("context");
  EXPECT_NE(refusal(c).find("set context"), std::string::npos) << refusal(c);
  c.set_context("PRODUCTION.EU");
  EXPECT_NE(refusal(c).find("cannot name addresses"), std::string::npos) << refusal(c);
  c.set_naming("iec");
  EXPECT_NE(refusal(c).find("naming: 'iec' is not cimbus or context"), std::string::npos) << refusal(c);
}

TEST(AdapterOptions, AVirtualHostIsChosenWhereTheBrokerHasThem) {
  config::AdapterConfig c = base();
  c.mutable_broker()->set_vhost("training");
  EXPECT_EQ(AdapterOptions::from_config(c).connection.virtual_host, "vhost:training");
  c.mutable_broker()->set_profile("artemis");
  EXPECT_NE(refusal(c).find("broker.vhost: the artemis profile has no virtual hosts"), std::string::npos) << refusal(c);
  c.mutable_broker()->set_profile("rabbitmq");
  c.mutable_broker()->set_urls(0, "amqps://cimbus:secret@broker.example:5671");
  EXPECT_NE(refusal(c).find("certificate"), std::string::npos) << "Proton would check the certificate against vhost:training";
}

// Web-service callbacks (decisions/0023): their defaults, and a prefix that is not a URL.
TEST(AdapterOptions, ReplyUrlsArePrefixesOfHttpUrls) {
  config::AdapterConfig c = base();
  c.mutable_web_services()->add_reply_urls("https://cis.example/replies/");
  const config::WebServices ws = AdapterOptions::from_config(c).config.web_services();
  EXPECT_EQ(ws.callback_attempts(), 5);
  EXPECT_EQ(ws.callback_retry_ms(), 1000);
  EXPECT_EQ(ws.callback_timeout_ms(), 10000);
  c.mutable_web_services()->add_reply_urls("cis.example/replies/");
  EXPECT_NE(refusal(c).find("web_services.reply_urls: 'cis.example/replies/' is not an http(s) URL prefix"), std::string::npos) << refusal(c);
}

TEST(AdapterOptions, TheBrokersSecuritySettingsAreTakenAndChecked) {
  config::AdapterConfig c = base();
  c.mutable_broker()->set_allow_plain_without_tls(false);
  EXPECT_NE(refusal(c).find("broker: SASL PLAIN over amqp:// would send the password in clear"), std::string::npos) << refusal(c);
  c.mutable_broker()->set_urls(0, "amqps://cimbus:secret@broker.example:5671");
  c.mutable_broker()->set_tls_verify("chain");
  EXPECT_EQ(AdapterOptions::from_config(c).connection.tls.verify, bus::TlsVerify::chain);
  c.mutable_broker()->set_tls_verify("off");
  EXPECT_NE(refusal(c).find("broker.tls_verify: 'off' is not name, chain or none"), std::string::npos) << refusal(c);
  c.mutable_broker()->set_tls_verify("");
  c.mutable_broker()->set_sasl_mechanism("EXTERNAL");
  EXPECT_NE(refusal(c).find("SASL EXTERNAL needs TLS with a client certificate"), std::string::npos) << refusal(c);
  c.mutable_broker()->set_sasl_mechanism("GSSAPI");
  EXPECT_NE(refusal(c).find("broker.sasl_mechanism: 'GSSAPI' is not PLAIN or EXTERNAL"), std::string::npos) << refusal(c);
}

// Secrets (README, "Secrets"): a password from a file readable by its owner only; none in the
// configuration file; never in an error.
TEST(AdapterOptions, APasswordComesFromAFileOfItsOwnerOnlyAndNeverFromTheConfigurationFile) {
  const std::string dir = ::testing::TempDir() + "/secrets-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  write_secret_file(dir + "/oms.password", "s3cret-oms");
  EXPECT_EQ(std::filesystem::status(dir + "/oms.password").permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  config::AdapterConfig c = base();
  c.mutable_broker()->set_user("oms");
  c.mutable_broker()->set_password_file(dir + "/oms.password");
  EXPECT_EQ(AdapterOptions::from_config(c).connection.password, "s3cret-oms");
  std::filesystem::permissions(dir + "/oms.password", std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  EXPECT_NE(refusal(c).find("oms.password may be read by others (mode 0640): chmod 600 it"), std::string::npos) << refusal(c);
  c.mutable_broker()->set_password_file(dir + "/none");
  EXPECT_NE(refusal(c).find("broker.password_file: cannot read " + dir + "/none"), std::string::npos) << refusal(c);
  c.mutable_broker()->set_password_env("CIMBUS_TEST_NO_SUCH_VARIABLE");
  EXPECT_NE(refusal(c).find("password_env and password_file both name the password"), std::string::npos) << refusal(c);

  // In a configuration file: refused, the password not shown.
  c.mutable_broker()->clear_password_file();
  c.mutable_broker()->clear_password_env();
  c.mutable_broker()->set_password("s3cret-in-file");
  save_adapter_config(c, dir + "/with-password.json");
  c.mutable_broker()->clear_password();
  c.mutable_broker()->set_urls(0, "amqp://oms:s3cret-in-url@127.0.0.1:5672");
  save_adapter_config(c, dir + "/with-login.json");
  for (const char* file : {"/with-password.json", "/with-login.json"}) {
    try {
      AdapterOptions::load(dir + file);
      ADD_FAILURE() << file << " was taken";
    } catch (const std::runtime_error& e) {
      const std::string why = e.what();
      EXPECT_NE(why.find("refused"), std::string::npos) << why;
      EXPECT_EQ(why.find("s3cret"), std::string::npos) << why;
    }
  }
  EXPECT_EQ(bus::url_without_password("amqps://oms:s3cret@host:5671"), "amqps://oms:***@host:5671");
  EXPECT_EQ(bus::url_without_password("amqps://oms@host:5671"), "amqps://oms@host:5671");
  EXPECT_FALSE(bus::url_has_password("amqps://host:5671/path@x"));
  // The login is read one way for taking and for masking: up to the host's '@'.
  bus::ConnectionOptions login;
  login.urls = {"amqp://oms:p@ss@127.0.0.1:5672"};
  bus::take_login_from_urls(login);
  EXPECT_EQ(login.user + " " + login.password + " " + login.urls.front(), "oms p@ss amqp://127.0.0.1:5672");
  EXPECT_EQ(bus::url_without_password("amqp://oms:p@ss@127.0.0.1:5672"), "amqp://oms:***@127.0.0.1:5672");
  std::filesystem::remove_all(dir);
}

// Relative paths in a configuration file are its neighbours, whatever the working directory.
TEST(AdapterOptions, RelativePathsAreTakenFromTheConfigurationsFolder) {
  const std::string dir = (std::filesystem::path(::testing::TempDir()) / ("relative-" + std::to_string(::getpid()))).lexically_normal().string();
  std::filesystem::create_directories(dir + "/etc");
  write_secret_file(dir + "/etc/oms.password", "s3cret");
  config::AdapterConfig c = base();
  c.set_store("state/oms.sqlite");
  c.mutable_broker()->set_urls(0, "amqp://127.0.0.1:5672");
  c.mutable_broker()->set_user("oms");
  c.mutable_broker()->set_password_file("oms.password");
  c.mutable_broker()->set_allow_plain_without_tls(true);
  save_adapter_config(c, dir + "/etc/oms.json");
  const AdapterOptions o = AdapterOptions::load(dir + "/etc/oms.json");
  EXPECT_EQ(o.config.store(), dir + "/etc/state/oms.sqlite");
  EXPECT_EQ(o.config.broker().password_file(), dir + "/etc/oms.password");
  EXPECT_EQ(o.connection.password, "s3cret");
  config::AdapterConfig absolute = base();
  absolute.set_store("/var/lib/cimbus/oms.sqlite");
  absolute.mutable_broker()->set_ca_file("ca/broker.pem");
  AdapterOptions::resolve_paths(absolute, "/etc/cimbus");
  EXPECT_EQ(absolute.store(), "/var/lib/cimbus/oms.sqlite") << "an absolute path stays";
  EXPECT_EQ(absolute.broker().ca_file(), "/etc/cimbus/ca/broker.pem");
  std::filesystem::remove_all(dir);
}

// Issue 17, 9: the environment overrides the file. CIMBUS_BROKER_URL replaces broker.urls; its
// login is used only when the configuration names none.
TEST(AdapterOptions, CimbusBrokerUrlOverridesTheFileAndLeavesTheConfiguredLoginAlone) {
  config::AdapterConfig c = base();
  c.mutable_broker()->set_urls(0, "amqp://127.0.0.1:5672");
  ::setenv("CIMBUS_BROKER_URL", "amqp://admin:admin-secret@127.0.0.1:40123,amqp://127.0.0.1:40124", 1);
  AdapterOptions anonymous = AdapterOptions::from_config(c);
  EXPECT_EQ(anonymous.connection.urls, (std::vector<std::string>{"amqp://127.0.0.1:40123", "amqp://127.0.0.1:40124"}));
  EXPECT_EQ(anonymous.connection.user, "admin") << "no login in the file: the URL's";
  EXPECT_EQ(anonymous.connection.password, "admin-secret");

  c.mutable_broker()->set_user("oms");
  ::setenv("CIMBUS_TEST_OMS_PASSWORD", "oms-secret", 1);
  c.mutable_broker()->set_password_env("CIMBUS_TEST_OMS_PASSWORD");
  AdapterOptions own = AdapterOptions::from_config(c);
  EXPECT_EQ(own.connection.urls.front(), "amqp://127.0.0.1:40123");
  EXPECT_EQ(own.connection.user + " " + own.connection.password, "oms oms-secret") << "the file's login stays";
  ::unsetenv("CIMBUS_BROKER_URL");
  EXPECT_EQ(bus::split_urls(",amqp://a:1,,amqp://b:2,"), (std::vector<std::string>{"amqp://a:1", "amqp://b:2"}));
  EXPECT_EQ(AdapterOptions::from_config(c).connection.urls, (std::vector<std::string>{"amqp://127.0.0.1:5672"})) << "unset: the file's";
  ::unsetenv("CIMBUS_TEST_OMS_PASSWORD");
}

}  // namespace
}  // namespace cimbus::adapter
