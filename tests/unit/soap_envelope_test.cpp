// The SOAP layer of the web-service binding (connectors/web_services/soap_envelope.hpp): versions
// and operations read from real headers, envelopes the codec reads back as the same message, and
// faults that validate against the SOAP 1.1 and 1.2 envelope schemas (xmllint).

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/web_services/soap_envelope.hpp"
#include "test_files.hpp"

namespace cimbus::web_services {
namespace {

// The profiles of what cimbus sends (schemas/soap/*-response.xsd): a Fault, or a message (lax).
const std::string kSoap11Xsd = std::string(CIMBUS_SCHEMA_DIR) + "/soap/soap11-response.xsd";
const std::string kSoap12Xsd = std::string(CIMBUS_SCHEMA_DIR) + "/soap/soap12-response.xsd";

TEST(SoapCall, Soap11TakesTheQuotedSoapActionHeader) {
  auto call = soap_call_of("text/xml; charset=utf-8", "\"http://iec.ch/TC57/2015/ServiceOrders/CreateServiceOrders\"");
  ASSERT_TRUE(call);
  EXPECT_EQ(call->version, SoapVersion::soap11);
  EXPECT_EQ(call->action, "http://iec.ch/TC57/2015/ServiceOrders/CreateServiceOrders");
  EXPECT_EQ(soap_call_of("Text/XML;Charset=UTF-8", "")->action, "") << "media types are case-insensitive; an empty action";
}

TEST(SoapCall, Soap12TakesTheActionParameterOfTheContentType) {
  auto call = soap_call_of("application/soap+xml; charset=utf-8; action=\"http://iec.ch/61968/Request\"", "");
  ASSERT_TRUE(call);
  EXPECT_EQ(call->version, SoapVersion::soap12);
  EXPECT_EQ(call->action, "http://iec.ch/61968/Request");
  EXPECT_EQ(soap_call_of("application/soap+xml", "\"urn:x/GetServiceOrders\"")->action, "urn:x/GetServiceOrders")
      << "without the parameter, the SOAPAction header";
}

TEST(SoapCall, OtherContentTypesAreNotSoap) {
  EXPECT_FALSE(soap_call_of("application/json", "\"x\""));
  EXPECT_FALSE(soap_call_of("", ""));
  EXPECT_FALSE(soap_call_of("text/xmlx", ""));
}

TEST(SoapCall, TheOperationIsMatchedWhateverTheYearInTheAction) {
  for (const char* action : {"http://iec.ch/TC57/2011/ServiceOrders/CreateServiceOrders", "http://iec.ch/TC57/2015/ServiceOrders/CreateServiceOrders",
                             "http://iec.ch/TC57/2017/ServiceOrders/CreateServiceOrders/", "urn:CreateServiceOrders", "CreateServiceOrders"})
    EXPECT_EQ(operation_of(action), "CreateServiceOrders") << action;
  EXPECT_EQ(operation_of("http://iec.ch/61968/PublishEvent"), "PublishEvent");
  EXPECT_EQ(operation_of(""), "");
}

TEST(SoapCall, ResponsesCarryTheContentTypeOfTheirVersion) {
  EXPECT_EQ(content_type_of(SoapVersion::soap11), "text/xml; charset=utf-8");
  EXPECT_EQ(content_type_of(SoapVersion::soap12, "http://iec.ch/61968/Response"),
            "application/soap+xml; charset=utf-8; action=\"http://iec.ch/61968/Response\"");
}

// A real openwms request, decoded, encoded again and put in an envelope of each version, is read
// back by the codec as the same message (the typed wrapper kept).
TEST(SoapEnvelope, AnEncodedMessageInAnEnvelopeDecodesAsTheSameMessage) {
  XmlCodec codec({ValidationPolicy::lenient, {}});
  const DecodeResult original = codec.decode(test::read_file(test::reference("instances/openwms/createServiceOrderSend1.xml")));
  ASSERT_TRUE(original.accepted());
  const std::string encoded = codec.encode(original.envelope);  // with an XML declaration
  for (SoapVersion version : {SoapVersion::soap11, SoapVersion::soap12}) {
    const std::string soap = soap_envelope(version, encoded);
    EXPECT_EQ(soap.find("<?xml"), std::string::npos) << "a declaration inside the Body";
    EXPECT_EQ(test::xmllint_errors(soap, version == SoapVersion::soap11 ? kSoap11Xsd : kSoap12Xsd), "");
    const DecodeResult again = codec.decode(soap);  // the inbound profile, the message strictly
    ASSERT_TRUE(again.accepted()) << again.primary_code();
    EXPECT_EQ(again.envelope.wrapper().name(), "CreateServiceOrders");
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(again.envelope, original.envelope));
  }
}

TEST(SoapFault, Soap11FaultValidatesAndCarriesTheFaultMessage) {
  const std::string detail = "<?xml version=\"1.0\"?><FaultMessage xmlns=\"http://iec.ch/TC57/2011/schema/message\"><Reply>"
                             "<Result>FAILED</Result><Error><code>1.8</code></Error></Reply></FaultMessage>";
  const std::string fault = soap_fault(SoapVersion::soap11, FaultSide::sender, "not XML: <&> \xff", detail);
  EXPECT_EQ(test::xmllint_errors(fault, kSoap11Xsd), "");
  EXPECT_NE(fault.find("<faultcode>soap:Client</faultcode>"), std::string::npos);
  EXPECT_NE(fault.find("not XML: &lt;&amp;&gt; \xef\xbf\xbd"), std::string::npos) << "escaped, the bad byte replaced";
  EXPECT_NE(fault.find("<detail><FaultMessage"), std::string::npos);
  EXPECT_EQ(soap_fault(SoapVersion::soap11, FaultSide::receiver, "down").find("<detail>"), std::string::npos);
  EXPECT_NE(soap_fault(SoapVersion::soap11, FaultSide::receiver, "down").find("soap:Server"), std::string::npos);
}

TEST(SoapFault, Soap12FaultValidates) {
  const std::string fault = soap_fault(SoapVersion::soap12, FaultSide::receiver, "the bus did not answer in time",
                                       "<FaultMessage xmlns=\"http://iec.ch/TC57/2011/schema/message\"/>");
  EXPECT_EQ(test::xmllint_errors(fault, kSoap12Xsd), "");
  EXPECT_NE(fault.find("<soap:Value>soap:Receiver</soap:Value>"), std::string::npos);
  EXPECT_NE(fault.find("<soap:Detail><FaultMessage"), std::string::npos);
}

}  // namespace
}  // namespace cimbus::web_services
