// Real SOAP-wrapped traffic (../shared/reference/instances/openwms): typed per-noun wrappers of
// nouns whose schemas are not loaded yet, recognised by their name pattern.

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "cimbus/xml_codec.hpp"
#include "test_files.hpp"

namespace cimbus {
namespace {

std::vector<std::string> openwms() { return test::list_files(test::reference("instances/openwms"), "", ".xml"); }

TEST(OpenWms, AllEightAreAcceptedInLenientMode) {
  ASSERT_EQ(openwms().size(), 8u);
  XmlCodec codec({ValidationPolicy::lenient, {}});
  for (const auto& file : openwms()) {
    DecodeResult r = codec.decode(test::read_file(file));
    EXPECT_TRUE(r.accepted()) << file << ": " << (r.diagnostics.empty() ? "" : r.diagnostics[0].reason);
    EXPECT_TRUE(r.envelope.has_wrapper()) << file;
  }
}

TEST(OpenWms, TypedWrapperIsRecognised) {
  XmlCodec codec({ValidationPolicy::lenient, {}});
  DecodeResult r = codec.decode(test::read_file(test::reference("instances/openwms/createServiceOrderSend1.xml")));
  ASSERT_TRUE(r.accepted());
  EXPECT_EQ(r.envelope.archetype(), Envelope::REQUEST_MESSAGE);
  EXPECT_EQ(r.envelope.wrapper().name(), "CreateServiceOrders");
  EXPECT_EQ(r.envelope.wrapper().namespace_(), "http://iec.ch/TC57/2015/ServiceOrdersMessage");
  const auto& h = r.envelope.message().header();
  EXPECT_EQ(h.verb(), msg::HeaderType_Verb::create);
  EXPECT_EQ(h.user().user_id(), "epriuser");
  EXPECT_EQ(r.envelope.message().request().start_time(), "2017-02-23T19:43:52.036-05:00");
  ASSERT_EQ(r.envelope.message().payload().any_size(), 1);
  // The payload, whose schema is not loaded, is kept as standalone XML with its namespace.
  EXPECT_EQ(r.envelope.message().payload().any(0).rfind("<ServiceOrders xmlns=\"http://iec.ch/TC57/2015/ServiceOrders#\">", 0), 0u)
      << r.envelope.message().payload().any(0);
}

TEST(OpenWms, HeaderThatContradictsTheWrapperIsAnErrorInStrictAndAWarningInLenient) {
  // getServiceOrderResponse1: a GetServiceOrdersResponseMessage whose Header says "get".
  const std::string xml = test::read_file(test::reference("instances/openwms/getServiceOrderResponse1.xml"));
  DecodeResult strict = XmlCodec().decode(xml);
  EXPECT_EQ(strict.status, DecodeResult::Status::rejected);
  EXPECT_EQ(strict.primary_code(), "2.9");
  DecodeResult lenient = XmlCodec({ValidationPolicy::lenient, {}}).decode(xml);
  EXPECT_TRUE(lenient.accepted());

  // The case from the openwms SoapUI project: change/WorkRequests inside a Get MaintenanceOrders request.
  std::string contradicting = test::read_file(test::reference("instances/openwms/getMaintOrderSend1.xml"));
  contradicting.replace(contradicting.find("<ns2:Verb>get</ns2:Verb>"), 24, "<ns2:Verb>change</ns2:Verb>");
  contradicting.replace(contradicting.find("<ns2:Noun>noun</ns2:Noun>"), 25, "<ns2:Noun>WorkRequests</ns2:Noun>");
  DecodeResult s = XmlCodec().decode(contradicting);
  EXPECT_EQ(s.status, DecodeResult::Status::rejected);
  bool verb = false, noun = false;
  for (const auto& d : s.diagnostics) {
    verb |= d.code == "2.9" && d.is_error();
    noun |= d.code == "2.5" && d.is_error();
  }
  EXPECT_TRUE(verb && noun);
  DecodeResult l = XmlCodec({ValidationPolicy::lenient, {}}).decode(contradicting);
  EXPECT_TRUE(l.accepted());
  int warnings = 0;
  for (const auto& d : l.diagnostics) warnings += d.level == Level::warning && (d.code == "2.9" || d.code == "2.5");
  EXPECT_EQ(warnings, 2);
}

TEST(OpenWms, TypedWrappersRoundTrip) {
  XmlCodec codec({ValidationPolicy::lenient, {}});
  for (const auto& file : openwms()) {
    DecodeResult first = codec.decode(test::read_file(file));
    ASSERT_TRUE(first.accepted()) << file;
    std::string xml = codec.encode(first.envelope);
    DecodeResult second = codec.decode(xml);
    ASSERT_TRUE(second.accepted()) << file << "\n" << xml;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first.envelope, second.envelope)) << file << "\n" << xml;
  }
}

TEST(OpenWms, SchemaValidationStillAppliesInsideATypedWrapper) {
  std::string xml = test::read_file(test::reference("instances/openwms/createServiceOrderSend1.xml"));
  xml.replace(xml.find("<ns2:Verb>create</ns2:Verb>"), 27, "<ns2:Verb>Create</ns2:Verb>");
  DecodeResult r = XmlCodec().decode(xml);
  EXPECT_EQ(r.status, DecodeResult::Status::rejected);
  EXPECT_EQ(r.primary_code(), "2.9");
  EXPECT_EQ(r.diagnostics[0].path, "/CreateServiceOrders/Header/Verb");
}

}  // namespace
}  // namespace cimbus
