// A payload whose schema is not loaded is kept as standalone XML: the prefixes it uses from outside
// are declared on its root, text and attributes are re-escaped, empty elements stay empty.

#include <gtest/gtest.h>

#include "cimbus/codec/xml_codec.hpp"

namespace cimbus {
namespace {

std::string captured(const std::string& payload, const std::string& payload_attributes = "") {
  const std::string xml =
      "<EventMessage xmlns=\"http://iec.ch/TC57/2011/schema/message\" xmlns:p=\"urn:x&amp;y\">"
      "<Header><Verb>created</Verb><Noun>Things</Noun></Header><Payload" +
      payload_attributes + ">" + payload + "</Payload></EventMessage>";
  XmlCodec codec;
  DecodeResult r = codec.decode(xml);
  EXPECT_TRUE(r.accepted()) << r.primary_code();
  if (r.envelope.message().payload().any_size() != 1) return "(no capture)";
  return r.envelope.message().payload().any(0);
}

TEST(PayloadCapture, DeclaresOuterPrefixOnTheRoot) {
  EXPECT_EQ(captured("<p:Things><p:Thing a=\"1&amp;&quot;\">t&lt;&gt;\xC3\xA9</p:Thing></p:Things>"),
            "<p:Things xmlns:p=\"urn:x&amp;y\"><p:Thing a=\"1&amp;&quot;\">t&lt;&gt;\xC3\xA9</p:Thing></p:Things>");
}

TEST(PayloadCapture, EmptyRootAndEmptyChildren) {
  EXPECT_EQ(captured("<p:Things/>"), "<p:Things xmlns:p=\"urn:x&amp;y\"/>");
  EXPECT_EQ(captured("<p:Things><p:A/><p:B></p:B></p:Things>"),
            "<p:Things xmlns:p=\"urn:x&amp;y\"><p:A/><p:B/></p:Things>");
}

TEST(PayloadCapture, OwnDeclarationsStayAndAreNotRepeated) {
  EXPECT_EQ(captured("<q:Things xmlns:q=\"urn:q\"><q:A xmlns:r=\"urn:r\" r:k=\"v\"/></q:Things>"),
            "<q:Things xmlns:q=\"urn:q\"><q:A xmlns:r=\"urn:r\" r:k=\"v\"/></q:Things>");
}

TEST(PayloadCapture, BufferIsReusedAcrossMessagesWithoutLeakingContent) {
  XmlCodec codec;
  const std::string head =
      "<EventMessage xmlns=\"http://iec.ch/TC57/2011/schema/message\"><Header><Verb>created</Verb>"
      "<Noun>Things</Noun></Header><Payload>";
  const std::string tail = "</Payload></EventMessage>";
  const std::string big = "<T xmlns=\"urn:t\">" + std::string(4000, 'x') + "</T>";
  ASSERT_TRUE(codec.decode(head + big + tail).accepted());
  DecodeResult small = codec.decode(head + "<T xmlns=\"urn:t\"/>" + tail);
  ASSERT_TRUE(small.accepted());
  EXPECT_EQ(small.envelope.message().payload().any(0), "<T xmlns=\"urn:t\"/>");
}

}  // namespace
}  // namespace cimbus
