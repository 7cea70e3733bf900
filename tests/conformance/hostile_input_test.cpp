// Hostile and broken input: each gets a precise error in bounded time and memory, and the codec
// keeps working afterwards. The decoder's validator (decisions/0034) judges each too: a
// DOCTYPE or a limit refused, anything else as Xerces-C validating judges it.

#include <gtest/gtest.h>

#include "cimbus/codec/compressed_payload.hpp"
#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "grammar_set.hpp"
#include "schema_validator.hpp"
#include "test_files.hpp"
#include "xerces_validation.hpp"

namespace cimbus {
namespace {

const std::string kOpen = "<RequestMessage xmlns=\"http://iec.ch/TC57/2011/schema/message\">";
const std::string kHeader = "<Header><Verb>create</Verb><Noun>ServiceOrders</Noun><MessageID>m-1</MessageID></Header>";
const std::string kValid = kOpen + kHeader + "</RequestMessage>";

class HostileInput : public ::testing::Test {
 protected:
  // Decodes, checks the outcome, and checks that the same codec still accepts a valid message.
  DecodeResult expect(const std::string& xml, DecodeResult::Status status, const std::string& code) {
    DecodeResult r = codec_.decode(xml);
    EXPECT_EQ(r.status, status) << (r.diagnostics.empty() ? "" : r.diagnostics[0].reason);
    EXPECT_EQ(r.primary_code(), code);
    if (r.status == DecodeResult::Status::unreadable) {
      Envelope fault = answer_rejection(r);
      EXPECT_EQ(fault.archetype(), Envelope::FAULT_MESSAGE);
      EXPECT_EQ(fault.message().reply().result(), msg::ReplyType_Result::FAILED);
      EXPECT_EQ(codec_.decode(codec_.encode(fault)).status, DecodeResult::Status::accepted);
    }
    EXPECT_TRUE(codec_.decode(kValid).accepted()) << "the codec is unusable after the hostile input";
    expect_validator_agrees(xml, r);
    return r;
  }

  void expect_validator_agrees(const std::string& xml, const DecodeResult& r) {
    using Kind = detail::SchemaValidator::Verdict::Kind;
    const detail::SchemaValidator::Verdict v = validator_.validate(xml, codec_.options().limits);
    if (v.kind == Kind::left_to_xerces) return;
    if (r.accepted()) {
      EXPECT_EQ(v.kind, Kind::valid) << v.reason;
    }
    if (v.kind == Kind::limit || xml.find("<!DOCTYPE") != std::string::npos) {
      EXPECT_NE(r.status, DecodeResult::Status::accepted);  // refused by the codec too
      EXPECT_NE(v.kind, Kind::valid);
      return;
    }
    EXPECT_EQ(v.kind == Kind::valid, xerces_.valid(xml)) << "the validator says " << v.reason;
  }

  XmlCodec codec_;
  std::shared_ptr<const GrammarSet> grammars_ = SchemaRegistry::builtin()->grammars();
  detail::SchemaValidator validator_{grammars_->model()};
  test::XercesValidation xerces_{grammars_->pool()};
};

TEST_F(HostileInput, ExternalEntityReadingALocalFileIsRefused) {
  std::string secret = test::scratch_file("secret.txt", "TOP-SECRET");
  DecodeResult r = expect("<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file://" + secret + "\">]>" + kOpen +
                              "<Header><Verb>create</Verb><Noun>&x;</Noun></Header></RequestMessage>",
                          DecodeResult::Status::unreadable, "7.7");
  EXPECT_EQ(r.envelope.message().header().noun().find("TOP-SECRET"), std::string::npos);
}

TEST_F(HostileInput, ParameterEntitiesAreRefused) {
  expect("<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>" + kValid,
         DecodeResult::Status::unreadable, "7.7");
}

TEST_F(HostileInput, BillionLaughsIsRefused) {
  std::string dtd = "<!DOCTYPE m [<!ENTITY l0 \"lol\">";
  for (int i = 1; i <= 9; ++i)
    dtd += "<!ENTITY l" + std::to_string(i) + " \"" + std::string("&l") + std::to_string(i - 1) + ";" + "&l" +
           std::to_string(i - 1) + ";&l" + std::to_string(i - 1) + ";&l" + std::to_string(i - 1) + ";&l" +
           std::to_string(i - 1) + ";&l" + std::to_string(i - 1) + ";&l" + std::to_string(i - 1) + ";&l" +
           std::to_string(i - 1) + ";&l" + std::to_string(i - 1) + ";&l" + std::to_string(i - 1) + ";\">";
  dtd += "]>";
  expect(dtd + kOpen + "<Header><Verb>create</Verb><Noun>&l9;</Noun></Header></RequestMessage>",
         DecodeResult::Status::unreadable, "7.7");
}

TEST_F(HostileInput, A60MiBDocumentIsRefusedBeforeParsing) {
  std::string big = kOpen + kHeader + "<Payload><x:a xmlns:x=\"urn:x\">" + std::string(60u << 20, 'A') +
                    "</x:a></Payload></RequestMessage>";
  DecodeResult r = expect(big, DecodeResult::Status::unreadable, "3.1");
  EXPECT_NE(r.diagnostics[0].reason.find("limit"), std::string::npos);
}

TEST_F(HostileInput, DeepNestingStopsAtTheDepthLimit) {
  std::string deep = kOpen + kHeader + "<Payload>";
  for (int i = 0; i < 200000; ++i) deep += "<x:a xmlns:x=\"urn:x\">";
  for (int i = 0; i < 200000; ++i) deep += "</x:a>";
  deep += "</Payload></RequestMessage>";
  DecodeResult r = expect(deep, DecodeResult::Status::unreadable, "3.1");
  EXPECT_NE(r.diagnostics[0].reason.find("nested"), std::string::npos);
}

TEST_F(HostileInput, TwoMillionSiblingsStopAtTheElementLimit) {
  std::string wide = kOpen + kHeader + "<Payload><x:a xmlns:x=\"urn:x\">";
  wide.reserve(wide.size() + 2'000'000 * 6 + 64);
  for (int i = 0; i < 2'000'000; ++i) wide += "<x:b/>";
  wide += "</x:a></Payload></RequestMessage>";
  DecodeResult r = expect(wide, DecodeResult::Status::unreadable, "3.1");
  EXPECT_NE(r.diagnostics[0].reason.find("elements"), std::string::npos);
}

TEST_F(HostileInput, GzipBombInCompressedIsRefusedAtTheDecompressionLimit) {
  std::string bomb = compress_payload(std::string(64u << 20, '\0'));  // 64 MiB of zeros, ~64 KiB compressed
  ASSERT_LT(bomb.size(), 200u << 10);
  expect(kOpen + kHeader + "<Payload><Compressed>" + bomb + "</Compressed><Format>XML</Format></Payload></RequestMessage>",
         DecodeResult::Status::rejected, "3.1");
}

TEST_F(HostileInput, CompressedThatIsNotBase64IsRejected) {
  expect(kOpen + kHeader + "<Payload><Compressed>@@not base64@@</Compressed></Payload></RequestMessage>",
         DecodeResult::Status::rejected, "1.8");
}

TEST_F(HostileInput, InvalidUtf8IsNotWellFormed) {
  std::string bad = kOpen + "<Header><Verb>create</Verb><Noun>Service\xC3\x28Orders</Noun></Header></RequestMessage>";
  expect(bad, DecodeResult::Status::unreadable, "1.8");
}

TEST_F(HostileInput, TruncatedInputIsNotWellFormed) {
  expect(kValid.substr(0, kValid.size() / 2), DecodeResult::Status::unreadable, "1.8");
}

TEST_F(HostileInput, BinaryGarbageIsNotWellFormed) {
  std::string garbage;
  unsigned state = 12345;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((state = state * 1103515245 + 12345) >> 16);
  expect(garbage, DecodeResult::Status::unreadable, "1.8");
  expect("", DecodeResult::Status::unreadable, "1.8");
}

TEST_F(HostileInput, UnknownRootIsNotAMessage) {
  expect("<Foo xmlns=\"urn:elsewhere\"/>", DecodeResult::Status::unreadable, "1.8");
  // Right local name, wrong namespace.
  expect("<RequestMessage xmlns=\"http://iec.ch/TC57/2008/schema/message\"><Header><Verb>get</Verb><Noun>X</Noun></Header></RequestMessage>",
         DecodeResult::Status::unreadable, "1.8");
}

TEST_F(HostileInput, ManyMadeUpNounsCannotGrowTheGrammarsWithoutBound) {
  auto registry = std::make_shared<SchemaRegistry>(builtin_schemas(), SchemaRegistryOptions{3});
  XmlCodec codec({}, registry);
  int refused = 0;
  for (int i = 0; i < 6; ++i) {
    std::string noun = "Fake" + std::to_string(i);
    std::string xml = "<w:Create" + noun + " xmlns:w=\"http://example.org/" + noun + "Message\" xmlns:m=\"http://iec.ch/TC57/2011/schema/message\"><w:Header><m:Verb>create</m:Verb><m:Noun>" + noun + "</m:Noun></w:Header></w:Create" + noun + ">";
    DecodeResult r = codec.decode(xml);
    if (i < 3) EXPECT_TRUE(r.accepted()) << noun;
    else refused += r.primary_code() == "2.5";
  }
  EXPECT_EQ(refused, 3);
}

// Found by tests/fuzz (xml_decoder): Xerces-C 3.2 crashed validating against a grammar made for a
// wrapper namespace with a comma in it.
TEST_F(HostileInput, AWrapperNamespaceWithACommaIsRefusedWithoutAGrammar) {
  expect("<w:GetFooRequestMessage xmlns:w=\"http://x,y/GetFooMessage\"><w:Header/></w:GetFooRequestMessage>",
         DecodeResult::Status::unreadable, "2.5");
  expect("<ns4:GetMaintenanceOrdersRequestMessage xmlns:ns4=\"tt,:5/GetMaintenanceOrdersMessage\">\nO",
         DecodeResult::Status::unreadable, "2.5");
}

TEST_F(HostileInput, Utf8ByteOrderMarkIsAccepted) {
  expect("\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + kValid, DecodeResult::Status::accepted, "");
}

TEST_F(HostileInput, Iso88591DeclaredEncodingIsAccepted) {
  std::string latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + kOpen +
                       "<Header><Verb>create</Verb><Noun>ServiceOrders</Noun><Comment>Stra\xDF" "e</Comment></Header></RequestMessage>";
  DecodeResult r = expect(latin1, DecodeResult::Status::accepted, "");
  EXPECT_EQ(r.envelope.message().header().comment(), "Stra\xC3\x9F" "e");  // UTF-8 in the model
}

}  // namespace
}  // namespace cimbus
