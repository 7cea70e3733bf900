// The envelope test vectors of ../shared/reference/instances/testvectors: every tv*.xml accepted,
// every neg*.xml rejected with the precise code; decode -> encode -> decode gives the same
// message, and the encoded XML validates against the public schema with xmllint.

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "cimbus/codec/message_forms.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "test_files.hpp"

namespace cimbus {
namespace {

using test::reference;

const std::string kVectors = "instances/testvectors/";

TEST(TestVectors, EveryValidVectorIsAcceptedInEveryPolicy) {
  auto files = test::list_files(reference(kVectors), "tv", ".xml");
  ASSERT_EQ(files.size(), 8u);
  for (auto policy : {ValidationPolicy::strict, ValidationPolicy::lenient, ValidationPolicy::off}) {
    XmlCodec codec({policy, {}});
    for (const auto& file : files) {
      DecodeResult r = codec.decode(test::read_file(file));
      EXPECT_TRUE(r.accepted()) << file << " policy " << to_string(policy) << ": "
                                << (r.diagnostics.empty() ? "" : r.diagnostics[0].reason);
      EXPECT_TRUE(r.diagnostics.empty()) << file;
    }
  }
}

struct NegativeCase {
  const char* file;
  const char* code;
  const char* path;
};

TEST(TestVectors, EveryInvalidVectorIsRejectedWithThePreciseCode) {
  const NegativeCase cases[] = {
      {"neg01_bad_verb_case.xml", "2.9", "/RequestMessage/Header/Verb"},
      {"neg02_header_order.xml", "1.8", "/ResponseMessage/Header"},
      {"neg03_response_without_reply.xml", "1.8", "/ResponseMessage"},
      {"neg04_fault_with_header.xml", "1.8", "/FaultMessage"},
      {"neg05_payload_mixed_choice.xml", "1.8", "/RequestMessage/Payload"},
      {"neg06_replaydetection_timestamp.xml", "1.8", "/RequestMessage/Header/ReplayDetection"},
      {"neg07_xpath_not_qname.xml", "1.8", "/FaultMessage/Reply/Error/xpath"},
      {"neg08_verb_whitespace.xml", "2.9", "/RequestMessage/Header/Verb"},
      {"neg09_unqualified_children.xml", "1.5", "/RequestMessage/Header/Verb"},
  };
  EXPECT_EQ(test::list_files(reference(kVectors), "neg", ".xml").size(), std::size(cases));
  XmlCodec codec;
  for (const auto& c : cases) {
    DecodeResult r = codec.decode(test::read_file(reference(kVectors + c.file)));
    EXPECT_EQ(r.status, DecodeResult::Status::rejected) << c.file;
    EXPECT_EQ(r.primary_code(), c.code) << c.file;
    bool found = false;
    for (const auto& d : r.diagnostics) {
      found |= d.code == c.code && d.path == c.path && d.is_error() && !d.reason.empty();
    }
    EXPECT_TRUE(found) << c.file << " has no " << c.code << " error at " << c.path;
  }
}

TEST(TestVectors, LenientModeReadsVerbCaseAndPaddingWithAWarning) {
  XmlCodec codec({ValidationPolicy::lenient, {}});
  for (auto [file, verb] : {std::pair{"neg01_bad_verb_case.xml", msg::HeaderType_Verb::create},
                            std::pair{"neg08_verb_whitespace.xml", msg::HeaderType_Verb::get}}) {
    DecodeResult r = codec.decode(test::read_file(reference(kVectors + file)));
    ASSERT_TRUE(r.accepted()) << file;
    EXPECT_EQ(r.envelope.message().header().verb(), verb);
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].code, "2.9");
    EXPECT_EQ(r.diagnostics[0].level, Level::warning);
  }
  // Schema violations that no tolerance names stay errors in lenient mode.
  DecodeResult r = codec.decode(test::read_file(reference(kVectors + "neg02_header_order.xml")));
  EXPECT_EQ(r.status, DecodeResult::Status::rejected);
}

TEST(TestVectors, ValuesAreReadWithTheirXsdLexicalForms) {
  XmlCodec codec;
  DecodeResult tv08 = codec.decode(test::read_file(reference(kVectors + "tv08_xpath_qname_bool_numeric.xml")));
  ASSERT_TRUE(tv08.accepted());
  const auto& m = tv08.envelope.message();
  EXPECT_TRUE(m.header().async_reply_flag());   // "1"
  EXPECT_FALSE(m.header().ack_required());      // "0"
  EXPECT_TRUE(m.header().has_ack_required());
  EXPECT_EQ(m.reply().error(0).operation_id(), 7);  // "+007"
  EXPECT_EQ(m.reply().error(0).xpath(), "{http://iec.ch/TC57/2011/schema/message}Noun");  // m:Noun

  DecodeResult tv01 = codec.decode(test::read_file(reference(kVectors + "tv01_get_request.xml")));
  ASSERT_TRUE(tv01.accepted());
  const auto& h = tv01.envelope.message().header();
  EXPECT_EQ(tv01.envelope.archetype(), Envelope::REQUEST_MESSAGE);
  EXPECT_EQ(h.noun(), "TroubleTickets");
  EXPECT_EQ(h.replay_detection().nonce(), "6f1c2a9e");
  EXPECT_EQ(h.user().organization(), "Utility");
  EXPECT_EQ(h.property(0).value(), "north");
  EXPECT_EQ(tv01.envelope.message().request().id(0).kind(), msg::IDKindType::uuid);
  EXPECT_EQ(tv01.envelope.message().request().option(0).value(), "100");

  DecodeResult tv02 = codec.decode(test::read_file(reference(kVectors + "tv02_partial_response.xml")));
  ASSERT_EQ(tv02.envelope.message().payload().any_size(), 1);
  EXPECT_EQ(tv02.envelope.message().payload().any(0).find("<tt:TroubleTickets xmlns:tt=\"http://example.org/TroubleTickets#\">"), 0u)
      << tv02.envelope.message().payload().any(0);
}

TEST(TestVectors, CompressedPayloadIsInflated) {
  XmlCodec codec;
  DecodeResult r = codec.decode(test::read_file(reference(kVectors + "tv05_compressed.xml")));
  ASSERT_TRUE(r.accepted());
  EXPECT_EQ(r.decompressed_payload, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sample>hello</sample>");
}

TEST(TestVectors, RoundTripIsLosslessAndTheOutputValidatesWithXmllint) {
  XmlCodec codec;
  const std::string public_schema = reference("iec61968-100/Message.xsd");
  for (const auto& file : test::list_files(reference(kVectors), "tv", ".xml")) {
    DecodeResult first = codec.decode(test::read_file(file));
    ASSERT_TRUE(first.accepted()) << file;
    for (bool indent : {false, true}) {
      std::string xml = codec.encode(first.envelope, {true, indent});
      EXPECT_EQ(test::xmllint_errors(xml, public_schema), "") << file << "\n" << xml;
      DecodeResult second = codec.decode(xml);
      ASSERT_TRUE(second.accepted()) << file << "\n" << xml;
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first.envelope, second.envelope))
          << file << "\nfirst:  " << first.envelope.ShortDebugString() << "\nsecond: " << second.envelope.ShortDebugString();
    }
    // The protobuf forms are lossless too.
    auto from_json_form = from_json(to_json(first.envelope));
    ASSERT_TRUE(from_json_form.has_value());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first.envelope, *from_json_form)) << file;
    auto from_binary_form = from_binary(to_binary(first.envelope));
    ASSERT_TRUE(from_binary_form.has_value());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first.envelope, *from_binary_form)) << file;
  }
}

}  // namespace
}  // namespace cimbus
