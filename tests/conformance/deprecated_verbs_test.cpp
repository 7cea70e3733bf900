// The verbs IEC 61968-100 Ed.1 deprecates (FDIS 6.2.2, 6.3.2), which its schema no longer holds:
// lenient reading takes update, updated and show as their synonyms change, changed and reply, with
// a WARNING naming the mapping, so that routing and handlers see the current verb; strict reading
// refuses them with 2.9 and a reason naming the synonym; subscribe, unsubscribe and publish have
// none and are 2.9 in both.

#include <gtest/gtest.h>

#include "cimbus/codec/xml_codec.hpp"
#include "test_files.hpp"

namespace cimbus {
namespace {

// An example message with its verb `from` replaced by `to`.
std::string with_verb(const std::string& example, const std::string& from, const std::string& to) {
  std::string xml = test::read_file(std::string(CIMBUS_EXAMPLES_DIR) + "/" + example);
  const std::string old = "<Verb>" + from + "</Verb>";
  const auto at = xml.find(old);
  EXPECT_NE(at, std::string::npos) << example;
  return xml.replace(at, old.size(), "<Verb>" + to + "</Verb>");
}

struct Synonym {
  const char* example;
  const char* verb;
  const char* deprecated;
  msg::HeaderType_Verb::Value reads_as;
};

void PrintTo(const Synonym& s, std::ostream* out) { *out << s.deprecated << " for " << s.verb; }

class DeprecatedVerb : public testing::TestWithParam<Synonym> {};

TEST_P(DeprecatedVerb, LenientReadsItAsItsSynonymWithAWarning) {
  const Synonym& s = GetParam();
  XmlCodec lenient({ValidationPolicy::lenient, {}});
  DecodeResult r = lenient.decode(with_verb(s.example, s.verb, s.deprecated));
  ASSERT_TRUE(r.accepted()) << r.primary_code();
  EXPECT_EQ(r.envelope.message().header().verb(), s.reads_as);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].code, "2.9");
  EXPECT_EQ(r.diagnostics[0].level, Level::warning);
  EXPECT_NE(r.diagnostics[0].reason.find(std::string("deprecated verb '") + s.deprecated + "' read as its synonym '" + s.verb + "'"),
            std::string::npos)
      << r.diagnostics[0].reason;
}

TEST_P(DeprecatedVerb, StrictRefusesItWith2_9NamingItsSynonym) {
  const Synonym& s = GetParam();
  XmlCodec strict;
  DecodeResult r = strict.decode(with_verb(s.example, s.verb, s.deprecated));
  EXPECT_EQ(r.status, DecodeResult::Status::rejected);
  EXPECT_EQ(r.primary_code(), "2.9");
  bool named = false;
  for (const auto& d : r.diagnostics) named = named || d.reason.find(std::string("use its synonym '") + s.verb + "'") != std::string::npos;
  EXPECT_TRUE(named) << (r.diagnostics.empty() ? std::string() : r.diagnostics[0].reason);
}

INSTANTIATE_TEST_SUITE_P(Ed1, DeprecatedVerb,
                         testing::Values(Synonym{"WorkRequests-change.xml", "change", "update", msg::HeaderType_Verb::change},
                                         Synonym{"Incidents-changed-etr.xml", "changed", "updated", msg::HeaderType_Verb::changed},
                                         Synonym{"ServiceOrders-reply.xml", "reply", "show", msg::HeaderType_Verb::reply}),
                         [](const testing::TestParamInfo<Synonym>& info) { return std::string(info.param.deprecated); });

TEST(DeprecatedVerbs, SubscribeUnsubscribeAndPublishHaveNoSynonymAndAreRefusedInEveryPolicy) {
  for (const char* verb : {"subscribe", "unsubscribe", "publish"}) {
    for (ValidationPolicy policy : {ValidationPolicy::strict, ValidationPolicy::lenient}) {
      XmlCodec codec({policy, {}});
      DecodeResult r = codec.decode(with_verb("WorkRequests-change.xml", "change", verb));
      EXPECT_EQ(r.status, DecodeResult::Status::rejected) << verb;
      EXPECT_EQ(r.primary_code(), "2.9") << verb;
      bool said = false;
      for (const auto& d : r.diagnostics) said = said || d.reason.find("deprecated verb with no synonym") != std::string::npos;
      EXPECT_TRUE(said) << verb;
    }
  }
}

}  // namespace
}  // namespace cimbus
