// Every payload and query profile in schemas/work and schemas/customer, exercised through the
// generated types: seeded pseudo-random instances in every wrapper of their noun encode to XML
// that validates (the project's XSD on decode; xmllint with the project's XSD and, for Part 6,
// with the EPRI reference profiles), and decode back equal.

#include <fstream>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "cimbus/codec/reply_builder.hpp"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/verb.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "element_spans.hpp"
#include "grammar_set.hpp"
#include "random_instance.hpp"
#include "schema_validator.hpp"
#include "xerces_validation.hpp"
#include "test_files.hpp"

namespace cimbus {
namespace {

using google::protobuf::util::MessageDifferencer;
using V = msg::HeaderType_Verb;

constexpr int kInstancesPerNoun = 1000;

struct Profile {
  const PayloadType* type;
  std::string noun;   // ServiceOrders (also for the GetServiceOrders query)
  bool query;         // a Get<Noun> query profile: travels in Request
  std::string dir;    // schemas/<dir>/<element>.xsd
};

std::vector<Profile> profiles() {
  std::vector<Profile> out;
  auto registry = SchemaRegistry::builtin();
  for (const PayloadType& p : registry->payload_types()) {
    const bool query = registry->is_query_profile(p);
    const std::string noun = query ? p.element.substr(3) : p.element;
    const bool part6 = noun == "WorkRequests" || noun == "MaintenanceOrders" || noun == "ServiceOrders";
    out.push_back({&p, noun, query, part6 ? "work" : "customer"});
  }
  return out;
}

// One of the envelope forms a noun travels in, chosen by the seed.
Envelope envelope_for(const Profile& p, const google::protobuf::Message& object, std::uint64_t seed) {
  Envelope e;
  auto* header = e.mutable_message()->mutable_header();
  header->set_noun(p.noun);
  header->set_message_id(new_uuid());
  header->set_timestamp("2026-11-22T08:00:00Z");
  header->set_source("cimbus-test");
  const PayloadType& noun = *SchemaRegistry::builtin()->payload_type_for_noun(p.noun);
  if (p.query) {
    header->set_verb(V::get);
    e.set_archetype(Envelope::REQUEST_MESSAGE);
    e.mutable_message()->mutable_request();
    if (seed % 2 == 0) {
      e.mutable_wrapper()->set_namespace_(SchemaRegistry::wrapper_namespace(noun, WrapperName::Form::get));
      e.mutable_wrapper()->set_name("Get" + p.noun + "RequestMessage");
    }
    e.add_request_objects()->PackFrom(object);
    return e;
  }
  static const Verb verbs[] = {V::create, V::change, V::cancel, V::close, V::delete_,
                               V::created, V::changed, V::canceled, V::closed, V::deleted, V::reply};
  const Verb verb = verbs[seed % 11];
  header->set_verb(verb);
  e.set_archetype(archetype_for(verb));
  if (verb == V::reply) e.mutable_message()->mutable_reply()->set_result(msg::ReplyType_Result::OK);
  if (seed % 7 == 3) {
    // The answer to a get, in the get form's own response wrapper.
    header->set_verb(V::reply);
    e.set_archetype(Envelope::RESPONSE_MESSAGE);
    e.mutable_message()->mutable_reply()->set_result(msg::ReplyType_Result::OK);
    e.mutable_wrapper()->set_namespace_(SchemaRegistry::wrapper_namespace(noun, WrapperName::Form::get));
    e.mutable_wrapper()->set_name(WrapperName::element_name(Envelope::RESPONSE_MESSAGE, WrapperName::Form::get, p.noun, std::nullopt));
  } else if ((seed / 11) % 2 == 0) {
    e.mutable_wrapper()->set_namespace_(SchemaRegistry::wrapper_namespace(noun, WrapperName::Form::plain));
    e.mutable_wrapper()->set_name(WrapperName::element_name(e.archetype(), WrapperName::Form::plain, p.noun,
                                                            verb == V::reply ? std::nullopt : std::optional<Verb>(verb)));
  }
  e.mutable_message()->mutable_payload();  // decoding marks the Payload element present
  e.add_payload_objects()->PackFrom(object);
  return e;
}

// The payload or query element alone, as a standalone document (the encoder declares its prefix on it).
std::string standalone_object(const std::string& xml, const std::string& element) {
  const std::string open = "<m:" + element, close = "</m:" + element + ">";
  const auto begin = xml.find(open);
  if (begin == std::string::npos) return {};
  const auto tag_end = xml.find('>', begin);
  if (xml[tag_end - 1] == '/') return xml.substr(begin, tag_end + 1 - begin);  // an empty query
  const auto end = xml.find(close, begin);
  return end == std::string::npos ? std::string() : xml.substr(begin, end + close.size() - begin);
}

std::string xmllint_batch(const std::vector<std::string>& files, const std::string& xsd) {
  std::string command = "xmllint --noout --schema '" + xsd + "'";
  for (const auto& f : files) command += " '" + f + "'";
  command += " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output, bad;
  char line[4096];
  while (pipe && fgets(line, sizeof line, pipe))
    if (std::string(line).find(" validates") == std::string::npos) bad += line;
  const int status = pipe ? pclose(pipe) : -1;
  return status == 0 ? std::string() : bad.empty() ? "xmllint failed" : bad;
}

TEST(PayloadProfiles, EveryProfileIsLoaded) {
  std::set<std::string> elements;
  for (const Profile& p : profiles()) elements.insert(p.type->element);
  for (const char* noun : {"TroubleTickets", "Incidents", "ServiceRequests", "CustomerAgreements", "WorkRequests",
                           "MaintenanceOrders", "ServiceOrders"}) {
    EXPECT_TRUE(elements.count(noun)) << noun;
    EXPECT_TRUE(elements.count(std::string("Get") + noun)) << noun;
  }
  EXPECT_EQ(SchemaRegistry::builtin()->payload_type_for_noun("IncidentInformation"),
            SchemaRegistry::builtin()->payload_type_for_noun("Incidents"));
}

class RandomInstances : public testing::TestWithParam<std::string> {};

TEST_P(RandomInstances, RoundTripValidatesAndComparesEqual) {
  const Profile* found = nullptr;
  const auto all = profiles();
  for (const Profile& p : all)
    if (p.type->element == GetParam()) found = &p;
  ASSERT_NE(found, nullptr);
  const Profile& p = *found;
  XmlCodec codec;  // strict: the project's XSDs validate every decoded message
  XmlCodec reference(CodecOptions{ValidationPolicy::strict, {}, true});
  // The decoder's validator (decisions/0034) on the same documents, and on a mutant of
  // each (an element removed or repeated) against Xerces-C validating with the same grammars.
  const auto grammars = SchemaRegistry::builtin()->grammars();
  detail::SchemaValidator validator(grammars->model());
  test::XercesValidation xerces(grammars->pool());
  std::mt19937 random(static_cast<unsigned>(std::hash<std::string>()(p.type->element)));
  int mutants = 0, invalid_mutants = 0;
  std::vector<std::string> files;
  for (int seed = 1; seed <= kInstancesPerNoun; ++seed) {
    test::InstanceOptions options;
    options.every_field = seed % 10 == 0;
    auto object = test::random_instance(p.type->descriptor, seed, options);
    Envelope e = envelope_for(p, *object, seed);
    const std::string xml = codec.encode(e);
    DecodeResult back = codec.decode(xml);
    ASSERT_TRUE(back.accepted()) << p.type->element << " seed " << seed << ": " << back.primary_code() << " "
                                 << (back.diagnostics.empty() ? "" : back.diagnostics[0].path + ": " + back.diagnostics[0].reason + " " + back.diagnostics[0].detail)
                                 << "\n" << xml;
    MessageDifferencer differ;
    std::string differences;
    differ.ReportDifferencesToString(&differences);
    ASSERT_TRUE(differ.Compare(e, back.envelope)) << p.type->element << " seed " << seed << "\n" << differences << "\n" << xml;
    // The fast path built it (decisions/0035); the reference, Xerces-C alone, builds the same.
    DecodeResult by_reference = reference.decode(xml);
    ASSERT_TRUE(by_reference.accepted()) << p.type->element << " seed " << seed;
    ASSERT_TRUE(differ.Compare(e, by_reference.envelope)) << p.type->element << " seed " << seed << " (reference decoder)\n" << differences;
    const detail::SchemaValidator::Verdict verdict = validator.validate(xml, {});
    ASSERT_EQ(verdict.kind, detail::SchemaValidator::Verdict::Kind::valid) << p.type->element << " seed " << seed << ": " << verdict.reason << "\n" << xml;
    const std::vector<test::ElementSpan> spans = test::element_spans(xml);
    const test::ElementSpan& cut = spans[1 + random() % (spans.size() - 1)];
    std::string mutant = xml;
    if (random() % 2 == 0) mutant.erase(cut.begin, cut.end - cut.begin);
    else mutant.insert(cut.end, xml.substr(cut.begin, cut.end - cut.begin));
    const detail::SchemaValidator::Verdict mine = validator.validate(mutant, {});
    const bool theirs = xerces.valid(mutant);
    ++mutants;
    invalid_mutants += !theirs;
    if (mine.kind != detail::SchemaValidator::Verdict::Kind::left_to_xerces) {
      ASSERT_EQ(mine.kind == detail::SchemaValidator::Verdict::Kind::valid, theirs)
          << p.type->element << " seed " << seed << " mutant: the validator says " << mine.reason << "\n" << mutant;
    }
    files.push_back(test::scratch_file("instances/" + p.type->element + "/" + std::to_string(seed) + ".xml",
                                       standalone_object(xml, p.type->element)));
  }
  EXPECT_GT(invalid_mutants, mutants / 10) << "the mutants do test refusals";
  // An independent validator on the same documents: the project's XSD ...
  EXPECT_EQ(xmllint_batch(files, std::string(CIMBUS_SCHEMA_DIR) + "/" + p.dir + "/" + p.type->element + ".xsd"), "");
  // ... and, for Part 6, the public EPRI profile (the change profile has the same cardinalities).
  if (p.dir == "work") {
    const std::string xsd = test::reference("iec61968-6-epri2015/" + std::string(p.query ? "get/" : "change/") +
                                            p.type->element + ".xsd");
    if (p.type->element == "ServiceOrders") {
      // change/ServiceOrders.xsd lacks Work/Attachments: check those documents against create's
      // names instead by leaving the element out of this run.
      std::vector<std::string> without;
      for (const auto& f : files)
        if (test::read_file(f).find("<m:Attachments>") == std::string::npos) without.push_back(f);
      ASSERT_GT(without.size(), files.size() / 4);
      files = without;
    }
    EXPECT_EQ(xmllint_batch(files, xsd), "");
  }
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const Profile& p : profiles()) names.push_back(p.type->element);
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllProfiles, RandomInstances, testing::ValuesIn(profile_names()),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace cimbus
