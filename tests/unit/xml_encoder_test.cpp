#include <gtest/gtest.h>

#include "cimbus/codec/xml_codec.hpp"

namespace cimbus {
namespace {

Envelope minimal() {
  Envelope e;
  e.set_archetype(Envelope::EVENT_MESSAGE);
  auto* h = e.mutable_message()->mutable_header();
  h->set_verb(msg::HeaderType_Verb::created);
  h->set_noun("ServiceOrders");
  return e;
}

TEST(XmlEncoder, WritesSchemaOrderWhateverTheOrderOfAssignment) {
  Envelope e = minimal();
  auto* h = e.mutable_message()->mutable_header();
  h->set_comment("c");
  h->set_message_id("m");
  h->set_revision("1");
  std::string xml = XmlCodec().encode(e, {false, false});
  EXPECT_EQ(xml,
            "<EventMessage xmlns=\"http://iec.ch/TC57/2011/schema/message\"><Header><Verb>created</Verb>"
            "<Noun>ServiceOrders</Noun><Revision>1</Revision><MessageID>m</MessageID><Comment>c</Comment>"
            "</Header></EventMessage>");
}

TEST(XmlEncoder, EscapesTextAndKeepsCarriageReturns) {
  Envelope e = minimal();
  e.mutable_message()->mutable_header()->set_comment("a<b & c>\r\n\"q\"");
  XmlCodec codec;
  std::string xml = codec.encode(e);
  EXPECT_NE(xml.find("a&lt;b &amp; c&gt;&#13;\n\"q\""), std::string::npos) << xml;
  EXPECT_EQ(codec.decode(xml).envelope.message().header().comment(), "a<b & c>\r\n\"q\"");
}

TEST(XmlEncoder, RefusesWhatXmlCannotCarry) {
  Envelope e = minimal();
  e.mutable_message()->mutable_header()->set_comment(std::string("bell\x07"));
  EXPECT_THROW(XmlCodec().encode(e), EncodeError);
  e.mutable_message()->mutable_header()->set_comment("\xC3\x28");
  EXPECT_THROW(XmlCodec().encode(e), EncodeError);
}

TEST(XmlEncoder, RefusesMissingMandatoryElementsAndForbiddenPackages) {
  Envelope e = minimal();
  e.mutable_message()->mutable_header()->clear_noun();
  try {
    XmlCodec().encode(e);
    FAIL();
  } catch (const EncodeError& error) {
    EXPECT_EQ(error.path(), "/EventMessage/Header/Noun");
  }
  Envelope fault = minimal();
  fault.set_archetype(Envelope::FAULT_MESSAGE);
  fault.mutable_message()->mutable_reply()->set_result(msg::ReplyType_Result::FAILED);
  EXPECT_THROW(XmlCodec().encode(fault), EncodeError);  // a FaultMessage has no Header
  Envelope response = minimal();
  response.set_archetype(Envelope::RESPONSE_MESSAGE);
  EXPECT_THROW(XmlCodec().encode(response), EncodeError);  // Reply is mandatory
}

TEST(XmlEncoder, TypedWrapperPutsPackagesInTheWrapperNamespace) {
  Envelope e = minimal();
  e.mutable_wrapper()->set_namespace_("http://iec.ch/TC57/2015/ServiceOrdersMessage");
  e.mutable_wrapper()->set_name("CreatedServiceOrders");
  e.mutable_message()->mutable_payload()->set_format("XML");
  XmlCodec codec;
  std::string xml = codec.encode(e, {false, false});
  EXPECT_EQ(xml,
            "<w:CreatedServiceOrders xmlns:w=\"http://iec.ch/TC57/2015/ServiceOrdersMessage\" "
            "xmlns=\"http://iec.ch/TC57/2011/schema/message\"><w:Header><Verb>created</Verb><Noun>ServiceOrders</Noun>"
            "</w:Header><w:Payload><w:Format>XML</w:Format></w:Payload></w:CreatedServiceOrders>");
  EXPECT_TRUE(codec.decode(xml).accepted());
  e.mutable_wrapper()->set_name("CreateServiceOrders");  // a request wrapper on an event
  EXPECT_THROW(codec.encode(e), EncodeError);
}

}  // namespace
}  // namespace cimbus
