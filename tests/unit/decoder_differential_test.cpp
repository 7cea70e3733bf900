// The decoder's two paths give the same DecodeResult (decisions/0035): the fast path (cimbus's
// validator, building the envelope on its walk, Xerces-C only for what it does not call valid)
// against the reference (Xerces-C validating, its SAX handler building), on every test message
// and reference instance, on mutants of them (elements removed, repeated or swapped, attributes
// added, bytes changed), on payloads captured as XML text with every lexical turn, and under
// both policies. Equal means: the same status, the same diagnostics, the same envelope field by
// field (typed payload objects compared unpacked).

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "cimbus/codec/schema_registry.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "decode_result_text.hpp"
#include "element_spans.hpp"
#include "envelope_builder.hpp"
#include "grammar_set.hpp"
#include "schema_validator.hpp"
#include "test_files.hpp"
#include "type_map.hpp"

namespace cimbus::detail {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::MessageDifferencer;

std::vector<std::string> corpus() {
  std::vector<std::string> out;
  for (const std::string& path : test::list_files(CIMBUS_EXAMPLES_DIR, "", ".xml")) out.push_back(test::read_file(path));
  const fs::path instances = fs::path(CIMBUS_REFERENCE_DIR) / "instances";
  if (fs::is_directory(instances))
    for (const auto& entry : fs::recursive_directory_iterator(instances))
      if (entry.path().extension() == ".xml") out.push_back(test::read_file(entry.path().string()));
  return out;
}

class DecoderDifferential : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = SchemaRegistry::builtin();
    grammars_ = registry_->grammars();
  }

  // True when the fast path built the document (its validator found it valid).
  bool built_fast(const std::string& xml) {
    if (!validator_) validator_ = std::make_unique<SchemaValidator>(grammars_->model());  // lives no longer than grammars_
    Envelope scratch;
    builder_.reset(&scratch, registry_.get());
    const SchemaValidator::Verdict v = validator_->validate(xml, {}, &builder_);
    if (v.kind == SchemaValidator::Verdict::Kind::left_to_xerces) ++left_[v.reason];
    return v.kind == SchemaValidator::Verdict::Kind::valid;
  }

  // Decodes `xml` both ways under `policy`; a difference is recorded.
  // `fresh`: with codecs made for this document. Xerces-C's verdict on an xsi:type naming a type
  // of a namespace no schema declares depends on the documents its reader saw before (a
  // namespace met before in lax content counts as found), so such documents are compared fresh.
  void compare(const std::string& xml, ValidationPolicy policy, const std::string& what, bool fresh = false) {
    XmlCodec& fast = policy == ValidationPolicy::strict ? fast_strict_ : fast_lenient_;
    XmlCodec& reference = policy == ValidationPolicy::strict ? reference_strict_ : reference_lenient_;
    const DecodeResult mine = fresh ? XmlCodec(CodecOptions{policy, {}, false}).decode(xml) : fast.decode(xml);
    const DecodeResult theirs = fresh ? XmlCodec(CodecOptions{policy, {}, true}).decode(xml) : reference.decode(xml);
    ++compared_;
    fast_built_ += built_fast(xml) ? 1 : 0;
    const std::string a = test::describe(mine), b = test::describe(theirs);
    if (a != b && differ_.size() < 5) differ_.push_back(what + "\nfast:      " + a + "reference: " + b + "document: " + xml.substr(0, 1500));
    else if (a != b) differ_.push_back(what);
  }

  void expect_no_difference(int at_least_compared, int at_least_fast) {
    std::cout << compared_ << " documents decoded both ways, " << fast_built_ << " of them built by the fast path; left to Xerces-C:\n";
    for (const auto& [why, n] : left_) std::cout << "  " << n << " " << why << "\n";
    std::string shown;
    for (std::size_t i = 0; i < differ_.size() && i < 5; ++i) shown += "\n---\n" + differ_[i];
    EXPECT_TRUE(differ_.empty()) << differ_.size() << " of " << compared_ << " decode differently:" << shown;
    EXPECT_GE(compared_, at_least_compared);
    EXPECT_GE(fast_built_, at_least_fast);
  }

  std::shared_ptr<SchemaRegistry> registry_;
  std::shared_ptr<const GrammarSet> grammars_;
  std::unique_ptr<SchemaValidator> validator_;
  TypeMapCache types_;
  EnvelopeBuilder builder_{types_};
  XmlCodec fast_strict_{CodecOptions{ValidationPolicy::strict, {}, false}};
  XmlCodec fast_lenient_{CodecOptions{ValidationPolicy::lenient, {}, false}};
  XmlCodec reference_strict_{CodecOptions{ValidationPolicy::strict, {}, true}};
  XmlCodec reference_lenient_{CodecOptions{ValidationPolicy::lenient, {}, true}};
  int compared_ = 0, fast_built_ = 0;
  std::map<std::string, int> left_;  // why the fast path left documents to Xerces-C
  std::vector<std::string> differ_;
};

TEST_F(DecoderDifferential, EveryTestMessageAndReferenceInstanceDecodesAlikeUnderBothPolicies) {
  int n = 0;
  for (const std::string& xml : corpus()) {
    ++n;
    compare(xml, ValidationPolicy::strict, "document " + std::to_string(n) + " strict");
    compare(xml, ValidationPolicy::lenient, "document " + std::to_string(n) + " lenient");
  }
  expect_no_difference(60, 30);
}

TEST_F(DecoderDifferential, MutantsDecodeAlike) {
  std::mt19937 random(20261204);
  const std::vector<std::string> attributes{" foo=\"1\"", " kind=\"uuid\"", " xml:lang=\"en\"", " q:x=\"a&amp;b\" xmlns:q=\"urn:other\"",
                                            " objectType=\"\""};
  static constexpr char kBytes[] = "<>&;\"'/:= \r\n#x!-aZ09\xC3\xA9";
  for (const std::string& xml : corpus()) {
    const std::vector<test::ElementSpan> spans = test::element_spans(xml);
    if (spans.size() < 2) continue;
    for (int k = 0; k < 60; ++k) {
      const test::ElementSpan& e = spans[1 + random() % (spans.size() - 1)];
      const std::string element = xml.substr(e.begin, e.end - e.begin);
      std::string m = xml;
      switch (random() % 5) {
        case 0: m.erase(e.begin, e.end - e.begin); break;
        case 1: m.insert(e.end, element); break;
        case 2: m.insert(xml.find_first_of(" \t\r\n/>", e.begin + 1), attributes[random() % attributes.size()]); break;
        case 3: m[random() % m.size()] = kBytes[random() % (sizeof kBytes - 1)]; break;
        case 4: {  // swapped with the next sibling, when there is one
          std::size_t j = static_cast<std::size_t>(&e - spans.data()) + 1;
          while (j < spans.size() && spans[j].depth > e.depth) ++j;
          if (j >= spans.size() || spans[j].depth != e.depth) continue;
          const test::ElementSpan& after = spans[j];
          m = xml.substr(0, e.begin) + xml.substr(after.begin, after.end - after.begin) + xml.substr(e.end, after.begin - e.end) + element +
              xml.substr(after.end);
          break;
        }
      }
      compare(m, random() % 2 ? ValidationPolicy::strict : ValidationPolicy::lenient, "a mutant");
    }
  }
  expect_no_difference(2000, 300);
}

// A payload cimbus has no schema for is carried as XML text: both decoders must write the same
// text, whatever turns its markup takes.
TEST_F(DecoderDifferential, PayloadsCarriedAsTextAreWrittenAlike) {
  const std::string head =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<RequestMessage xmlns=\"http://iec.ch/TC57/2011/schema/message\" xmlns:o=\"urn:outer\">"
      "<Header><Verb>create</Verb><Noun>Readings</Noun><MessageID>6f0c1b2a-3d4e-4f50-8a61-7b8c9d0e1f21</MessageID></Header><Payload>";
  const std::string tail = "</Payload></RequestMessage>";
  const std::vector<std::string> payloads{
      "<r:Readings xmlns:r=\"urn:example:readings\"><r:Reading value=\"1.5\">x</r:Reading></r:Readings>",
      "<Readings><Reading/></Readings>",  // the message namespace as default, inherited
      "<Readings xmlns=\"\"><Reading a='1' b=\"2\"/></Readings>",
      "<o:Readings><o:Reading o:at=\"3\"></o:Reading><!-- a comment --><?pi data?></o:Readings>",
      "<r:R xmlns:r=\"urn:r\"><![CDATA[<not markup> & so on]]>&lt;&gt;&amp;&quot;&apos;&#233;&#x1F600;</r:R>",
      "<r:R xmlns:r=\"urn:r\" t=\"a&#9;b&#10;c&#13;d  e\tf\ng\">line\r\nbreak\rand\ttab</r:R>",
      "<r:R xmlns:r=\"urn:r\"><s:S xmlns:s=\"urn:s\" xmlns:t=\"urn:t\"><t:T/><o:U/></s:S><r:V xmlns:r=\"urn:r2\">v</r:V></r:R>",
      "<r:R xmlns:r=\"urn:r\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"o:Kind\">k</r:R>",
      "<r:R xmlns:r=\"urn:r\" xml:lang=\"fr\">é &amp; ü \xF0\x9F\x98\x80</r:R>",
      "<r:A xmlns:r=\"urn:r\">1</r:A><r:B xmlns:r=\"urn:r\">2</r:B>",
      "<r:R xmlns:r=\"urn:r\">\n  <r:Deep><r:Deeper><r:Deepest>   </r:Deepest></r:Deeper></r:Deep>\n</r:R>",
  };
  for (const std::string& p : payloads) {
    const bool xsi_type = p.find("xsi:type") != std::string::npos;
    compare(head + p + tail, ValidationPolicy::strict, "payload " + p, xsi_type);
    compare(head + p + tail, ValidationPolicy::lenient, "payload " + p + " (lenient)", xsi_type);
  }
  expect_no_difference(22, 14);  // two are invalid (a payload in the message namespace, or in none) and xsi:type is Xerces-C's
}

}  // namespace
}  // namespace cimbus::detail
