// The pull tokenizer of the decoder (decisions/0034): names resolved to namespaces,
// text and attribute values as XML 1.0 defines them, and every well-formedness fault stopped at
// once with its kind. Its verdicts against Xerces-C's come with the differential test.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_files.hpp"
#include "xml_tokenizer.hpp"

namespace cimbus::detail {
namespace {

using Event = XmlTokenizer::Event;
using Fault = XmlTokenizer::Fault;

// The events of a document as text: "start {ns}local a=v", "text ...", "end {ns}local", or the fault.
std::vector<std::string> events(std::string_view xml, DecodeLimits limits = {}) {
  XmlTokenizer t(xml, limits);
  std::vector<std::string> out;
  for (int guard = 0; guard < 10000; ++guard) {
    const Event e = t.next();
    if (e == Event::done) return out;
    if (e == Event::fault) {
      out.push_back("fault: " + t.fault());
      return out;
    }
    if (e == Event::text) {
      out.push_back("text " + std::string(t.text()));
      continue;
    }
    std::string line = std::string(e == Event::start ? "start {" : "end {") + std::string(t.element().ns) + "}" + std::string(t.element().local);
    if (e == Event::start)
      for (const XmlAttribute& a : t.attributes())
        line += " {" + std::string(a.name.ns) + "}" + std::string(a.name.local) + "=" + std::string(a.value);
    out.push_back(line);
  }
  ADD_FAILURE() << "no end";
  return out;
}

Fault fault_of(std::string_view xml, DecodeLimits limits = {}) {
  XmlTokenizer t(xml, limits);
  for (int guard = 0; guard < 100000; ++guard) {
    const Event e = t.next();
    if (e == Event::done) return Fault::none;
    if (e == Event::fault) return t.fault_kind();
  }
  return Fault::none;
}

TEST(XmlTokenizer, NamesAreResolvedInTheirScopeAndDeclarationsAreNoAttributes) {
  const auto got = events(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<m:RequestMessage xmlns:m=\"urn:m\" xmlns=\"urn:d\" id='1'><Header m:at=\"x\"><Verb>create</Verb></Header>"
      "<p:Payload xmlns:p=\"urn:p\"><Item xmlns=\"\"/></p:Payload></m:RequestMessage>");
  const std::vector<std::string> want{
      "start {urn:m}RequestMessage {}id=1",
      "start {urn:d}Header {urn:m}at=x",
      "start {urn:d}Verb",
      "text create",
      "end {urn:d}Verb",
      "end {urn:d}Header",
      "start {urn:p}Payload",
      "start {}Item",
      "end {}Item",
      "end {urn:p}Payload",
      "end {urn:m}RequestMessage",
  };
  EXPECT_EQ(got, want);
}

TEST(XmlTokenizer, TextComesAsOneEventWithReferencesCdataAndLineEndsResolved) {
  EXPECT_EQ(events("<a>x &lt; y &amp;&#65;&#x42;<!-- skipped --><![CDATA[<z>]]>\r\nend\rof<?pi data?>it</a>"),
            (std::vector<std::string>{"start {}a", "text x < y &AB<z>\nend\nofit", "end {}a"}));
  EXPECT_EQ(events("<a v=\" one\ttwo\r\nthree&#9;&lt;\"/>"), (std::vector<std::string>{"start {}a {}v= one two three\t<", "end {}a"}));
  EXPECT_EQ(events("<a>caf\xC3\xA9 \xF0\x9F\x98\x80</a>"), (std::vector<std::string>{"start {}a", "text caf\xC3\xA9 \xF0\x9F\x98\x80", "end {}a"}));
}

TEST(XmlTokenizer, PlainTextIsAViewOfTheInputNotACopy) {
  const std::string xml = "<a>plain text</a>";
  XmlTokenizer t(xml, {});
  ASSERT_EQ(t.next(), Event::start);
  ASSERT_EQ(t.next(), Event::text);
  EXPECT_EQ(t.text().data(), xml.data() + 3);
}

TEST(XmlTokenizer, AnEndEventNamesItsElementInTheScopeItHad) {
  XmlTokenizer t("<p:a xmlns:p=\"urn:gone-after-this\"/>", {});
  ASSERT_EQ(t.next(), Event::start);
  ASSERT_EQ(t.next(), Event::end);
  EXPECT_EQ(t.element().ns, "urn:gone-after-this");
  EXPECT_EQ(t.element().local, "a");
  EXPECT_EQ(t.next(), Event::done);
}

TEST(XmlTokenizer, EveryFaultStopsAtOnceWithItsKind) {
  struct Case {
    const char* xml;
    Fault kind;
  };
  const std::vector<Case> cases{
      {"", Fault::malformed},
      {"<a>", Fault::malformed},
      {"<a></b>", Fault::malformed},
      {"<a/><b/>", Fault::malformed},
      {"<a/>text", Fault::unsupported},
      {"<a x='1' x='2'/>", Fault::malformed},
      {"<a xmlns:p='urn:u' xmlns:q='urn:u' p:x='1' q:x='2'/>", Fault::malformed},
      {"<p:a/>", Fault::malformed},
      {"<a p:x='1'/>", Fault::malformed},
      {"<a:b:c xmlns:a='urn:a'/>", Fault::malformed},
      {"<xmlns:a/>", Fault::malformed},
      {"<a xmlns:p=''/>", Fault::malformed},
      {"<a xmlns:xml='urn:other'/>", Fault::malformed},
      {"<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>", Fault::malformed},
      {"<a xmlns:xmlns='urn:x'/>", Fault::malformed},
      {"<a x=1/>", Fault::malformed},
      {"<a x='<'/>", Fault::malformed},
      {"<a x='1'y='2'/>", Fault::malformed},
      {"<1a/>", Fault::malformed},
      {"<a>&e;</a>", Fault::malformed},
      {"<a>& b</a>", Fault::malformed},
      {"<a>&#0;</a>", Fault::malformed},
      {"<a>&#x110000;</a>", Fault::malformed},
      {"<a>&#xD800;</a>", Fault::malformed},
      {"<a>\x01</a>", Fault::malformed},
      {"<a>\xC3\x28</a>", Fault::malformed},
      {"<a>\xED\xA0\x80</a>", Fault::malformed},   // a surrogate in UTF-8
      {"<a>\xC0\xAF</a>", Fault::malformed},       // overlong
      {"<a>x ]]> y</a>", Fault::malformed},
      {"<a><!-- a -- b --></a>", Fault::malformed},
      {"<a><!-- open</a>", Fault::malformed},
      {"<a><![CDATA[open</a>", Fault::malformed},
      {"<a><!ELEMENT a ANY></a>", Fault::malformed},
      {" <?xml version='1.0'?><a/>", Fault::malformed},
      {"<a><?xml version='1.0'?></a>", Fault::malformed},
      {"<?xml version='1.1'?><a/>", Fault::unsupported},
      {"<?xml encoding='UTF-8'?><a/>", Fault::unsupported},
      {"<?xml version='1.0' standalone='maybe'?><a/>", Fault::unsupported},
      {"<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>", Fault::doctype},
      {"<?xml version='1.0'?><!DOCTYPE a SYSTEM 'file:///etc/passwd'><a/>", Fault::doctype},
      {"<?xml version='1.0' encoding='ISO-8859-1'?><a/>", Fault::unsupported},
      {"\xFF\xFE<\0a\0/\0>\0", Fault::unsupported},
  };
  for (const Case& c : cases) EXPECT_EQ(fault_of(c.xml), c.kind) << c.xml;
}

TEST(XmlTokenizer, TheDecodeLimitsHoldForDepthAndElements) {
  DecodeLimits limits;
  limits.max_depth = 5;
  limits.max_elements = 8;
  EXPECT_EQ(fault_of("<a><b><c><d><e/></d></c></b></a>", limits), Fault::none);
  EXPECT_EQ(fault_of("<a><b><c><d><e><f/></e></d></c></b></a>", limits), Fault::limit);
  EXPECT_EQ(fault_of("<a><b/><b/><b/><b/><b/><b/><b/></a>", limits), Fault::none);
  EXPECT_EQ(fault_of("<a><b/><b/><b/><b/><b/><b/><b/><b/></a>", limits), Fault::limit);
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_EQ(fault_of(deep), Fault::limit);  // the default depth, long before the document ends
}

TEST(XmlTokenizer, ABomCommentsAndPisAroundTheRootAreAccepted) {
  EXPECT_EQ(events("\xEF\xBB\xBF<?xml version='1.0'?><!-- c --><?pi x?>\n<a/>\n<!-- after -->\n"),
            (std::vector<std::string>{"start {}a", "end {}a"}));
}

TEST(XmlTokenizer, EveryTestMessageIsReadToItsEnd) {
  int read = 0;
  for (const std::string& path : test::list_files(CIMBUS_EXAMPLES_DIR, "", ".xml")) {
    const std::string xml = test::read_file(path);  // the tokenizer reads it in place
    XmlTokenizer t(xml, {});
    int starts = 0, ends = 0;
    for (Event e; (e = t.next()) != Event::done;) {
      ASSERT_NE(e, Event::fault) << path << ": " << t.fault() << " at byte " << t.fault_offset();
      starts += e == Event::start;
      ends += e == Event::end;
    }
    EXPECT_GT(starts, 3) << path;
    EXPECT_EQ(starts, ends) << path;
    ++read;
  }
  EXPECT_GT(read, 10);
}

}  // namespace
}  // namespace cimbus::detail
