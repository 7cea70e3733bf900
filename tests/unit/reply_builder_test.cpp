#include <gtest/gtest.h>

#include <regex>

#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "test_files.hpp"

namespace cimbus {
namespace {

Envelope request(const std::string& message_id, const std::string& correlation_id) {
  Envelope e;
  e.set_archetype(Envelope::REQUEST_MESSAGE);
  auto* h = e.mutable_message()->mutable_header();
  h->set_verb(msg::HeaderType_Verb::create);
  h->set_noun("TroubleTickets");
  if (!message_id.empty()) h->set_message_id(message_id);
  if (!correlation_id.empty()) h->set_correlation_id(correlation_id);
  return e;
}

const std::regex kUuid("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

TEST(ReplyBuilder, CorrelationIdIsTheRequestsCorrelationIdWhenPresent) {
  Envelope reply = make_reply(request("m-1", "c-1"), msg::ReplyType_Result::OK);
  EXPECT_EQ(reply.message().header().correlation_id(), "c-1");
}

TEST(ReplyBuilder, CorrelationIdFallsBackToTheRequestsMessageId) {
  Envelope reply = make_reply(request("m-1", ""), msg::ReplyType_Result::OK);
  EXPECT_EQ(reply.message().header().correlation_id(), "m-1");
  EXPECT_FALSE(make_reply(request("", ""), msg::ReplyType_Result::OK).message().header().has_correlation_id());
}

TEST(ReplyBuilder, ReplyHasVerbReplySameNounFreshIdAndTimestamp) {
  Envelope in = request("m-1", "");
  Envelope a = make_reply(in, msg::ReplyType_Result::OK, {}, {"OMS"});
  Envelope b = make_reply(in, msg::ReplyType_Result::OK);
  const auto& h = a.message().header();
  EXPECT_EQ(a.archetype(), Envelope::RESPONSE_MESSAGE);
  EXPECT_EQ(h.verb(), msg::HeaderType_Verb::reply);
  EXPECT_EQ(h.noun(), "TroubleTickets");
  EXPECT_EQ(h.source(), "OMS");
  EXPECT_TRUE(std::regex_match(h.message_id(), kUuid)) << h.message_id();
  EXPECT_NE(h.message_id(), b.message().header().message_id());
  EXPECT_NE(h.message_id(), "m-1");
  EXPECT_TRUE(std::regex_match(h.timestamp(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"))) << h.timestamp();
  XmlCodec codec;
  EXPECT_TRUE(codec.decode(codec.encode(a)).accepted());
}

TEST(ReplyBuilder, TypedRequestGetsTheTypedResponse) {
  XmlCodec codec({ValidationPolicy::lenient, {}});
  DecodeResult r = codec.decode(test::read_file(test::reference("instances/openwms/getServiceOrderSend1.xml")));
  ASSERT_TRUE(r.accepted());
  Envelope reply = make_reply(r.envelope, msg::ReplyType_Result::OK);
  EXPECT_EQ(reply.wrapper().name(), "GetServiceOrdersResponseMessage");
  EXPECT_EQ(reply.wrapper().namespace_(), "http://iec.ch/TC57/2015/GetServiceOrdersMessage");
  std::string xml = codec.encode(reply);
  DecodeResult back = XmlCodec().decode(xml);
  EXPECT_EQ(back.status, DecodeResult::Status::accepted) << xml;
}

TEST(ReplyBuilder, RejectedRequestGetsAFailedReplyWithEveryError) {
  XmlCodec codec;
  DecodeResult r = codec.decode(test::read_file(test::reference("instances/testvectors/neg01_bad_verb_case.xml")));
  ASSERT_EQ(r.status, DecodeResult::Status::rejected);
  Envelope answer = answer_rejection(r);
  EXPECT_EQ(answer.archetype(), Envelope::RESPONSE_MESSAGE);
  const auto& reply = answer.message().reply();
  EXPECT_EQ(reply.result(), msg::ReplyType_Result::FAILED);
  ASSERT_EQ(reply.error_size(), static_cast<int>(r.diagnostics.size()));
  EXPECT_EQ(reply.error(0).code(), "2.9");
  EXPECT_EQ(reply.error(0).level(), msg::ErrorType_level::FATAL);
  EXPECT_EQ(reply.error(0).xpath(), "{http://iec.ch/TC57/2011/schema/message}Verb");
  EXPECT_NE(reply.error(0).details().find("/RequestMessage/Header/Verb"), std::string::npos);
  // The XML form carries the QName with a prefix in scope, and validates against the public schema.
  std::string xml = codec.encode(answer);
  EXPECT_EQ(test::xmllint_errors(xml, test::reference("iec61968-100/Message.xsd")), "") << xml;
}

TEST(ReplyBuilder, UnreadableInputGetsAFaultMessage) {
  XmlCodec codec;
  DecodeResult r = codec.decode("<RequestMessage");
  ASSERT_EQ(r.status, DecodeResult::Status::unreadable);
  Envelope fault = answer_rejection(r);
  EXPECT_EQ(fault.archetype(), Envelope::FAULT_MESSAGE);
  EXPECT_FALSE(fault.message().has_header());
  EXPECT_EQ(fault.message().reply().error(0).code(), "1.8");
  std::string xml = codec.encode(fault);
  EXPECT_EQ(test::xmllint_errors(xml, test::reference("iec61968-100/Message.xsd")), "") << xml;
}

}  // namespace
}  // namespace cimbus
