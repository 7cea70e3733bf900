// Bad payloads for every noun, in its typed Create<Noun> wrapper: an unknown enumeration literal,
// an element out of order, a missing mandatory element and a payload in the wrong namespace are
// each refused with code 1.8 and the path of the element at fault.

#include <gtest/gtest.h>

#include "cimbus/xml_options.pb.h"
#include "cimbus/codec/payload_object.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "random_instance.hpp"

namespace cimbus {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

const std::vector<std::string> kNouns = {"TroubleTickets", "Incidents", "ServiceRequests", "CustomerAgreements",
                              "WorkRequests", "MaintenanceOrders", "ServiceOrders"};

struct Sample {
  std::string xml;       // a valid CreateNoun message with every optional element
  std::string noun;
  std::string item;      // the root's repeated child, e.g. TroubleTicket
  std::string ns;        // payload namespace
  std::string wrapper;   // /CreateNoun
};

Sample sample(const std::string& noun) {
  const PayloadType* type = SchemaRegistry::builtin()->payload_type_for_noun(noun);
  test::InstanceOptions options;
  options.every_field = true;
  options.max_repeat = 1;
  auto object = test::random_instance(type->descriptor, 7, options);
  Envelope e;
  e.set_archetype(Envelope::REQUEST_MESSAGE);
  e.mutable_wrapper()->set_namespace_(SchemaRegistry::wrapper_namespace(*type, WrapperName::Form::plain));
  e.mutable_wrapper()->set_name("Create" + noun);
  e.mutable_message()->mutable_header()->set_verb(msg::HeaderType_Verb::create);
  e.mutable_message()->mutable_header()->set_noun(noun);
  e.mutable_message()->mutable_payload();
  e.add_payload_objects()->PackFrom(*object);
  // The root's only element is the repeated item (TroubleTicket, ServiceOrder, ...), except in
  // ServiceOrders, whose catalogues come first.
  const auto* d = type->descriptor;
  std::string item = d->field(d->field_count() - 1)->options().GetExtension(xml::field).name();
  return {XmlCodec().encode(e), noun, item, type->ns, "/Create" + noun};
}

// The first enumeration-typed element in document order, with its literal.
bool first_enum(const Message& m, std::string& element, std::string& literal) {
  const auto* r = m.GetReflection();
  for (int i = 0; i < m.GetDescriptor()->field_count(); ++i) {
    const FieldDescriptor* fd = m.GetDescriptor()->field(i);
    const int n = fd->is_repeated() ? r->FieldSize(m, fd) : r->HasField(m, fd) ? 1 : 0;
    for (int k = 0; k < n; ++k) {
      if (fd->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
        const int number = fd->is_repeated() ? r->GetRepeatedEnumValue(m, fd, k) : r->GetEnumValue(m, fd);
        element = fd->options().GetExtension(xml::field).name();
        literal = fd->enum_type()->FindValueByNumber(number)->options().GetExtension(xml::literal);
        return true;
      }
      if (fd->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
          first_enum(fd->is_repeated() ? r->GetRepeatedMessage(m, fd, k) : r->GetMessage(m, fd), element, literal))
        return true;
    }
  }
  return false;
}

const Diagnostic* first_error(const DecodeResult& r) {
  for (const auto& d : r.diagnostics)
    if (d.is_error()) return &d;
  return nullptr;
}

void expect_refused(const std::string& xml, const std::string& path_prefix, const std::string& what) {
  for (ValidationPolicy policy : {ValidationPolicy::strict, ValidationPolicy::lenient}) {
    DecodeResult r = XmlCodec({policy, {}}).decode(xml);
    EXPECT_EQ(r.status, DecodeResult::Status::rejected) << what << "\n" << xml;
    const Diagnostic* d = first_error(r);
    ASSERT_NE(d, nullptr) << what;
    EXPECT_EQ(d->code, "1.8") << what;
    EXPECT_EQ(d->path.rfind(path_prefix, 0), 0u) << what << ": path " << d->path << ", expected " << path_prefix;
  }
}

class BadPayload : public testing::TestWithParam<std::string> {};

TEST_P(BadPayload, SampleIsValid) {
  Sample s = sample(GetParam());
  DecodeResult r = XmlCodec().decode(s.xml);
  EXPECT_TRUE(r.accepted()) << r.primary_code() << "\n" << s.xml;
}

TEST_P(BadPayload, UnknownEnumerationLiteral) {
  Sample s = sample(GetParam());
  DecodeResult valid = XmlCodec().decode(s.xml);
  std::unique_ptr<Message> object = unpack_object(valid.envelope.payload_objects(0));
  ASSERT_TRUE(object);
  std::string element, literal;
  ASSERT_TRUE(first_enum(*object, element, literal)) << s.noun;
  const std::string good = "<m:" + element + ">" + literal + "</m:" + element + ">";
  const auto at = s.xml.find(good);
  ASSERT_NE(at, std::string::npos) << good;
  std::string bad = s.xml;
  bad.replace(at, good.size(), "<m:" + element + ">notA" + literal + "</m:" + element + ">");
  expect_refused(bad, s.wrapper + "/Payload/" + s.noun + "/", "enumeration literal in " + element);
  // The path ends at the element with the bad value.
  DecodeResult r = XmlCodec().decode(bad);
  const Diagnostic* d = first_error(r);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->path.substr(d->path.size() - element.size() - 1), "/" + element) << d->path;
}

TEST_P(BadPayload, ElementOutOfOrder) {
  Sample s = sample(GetParam());
  // Move the first item's mRID (always first) to the end of the item.
  const std::string open = "<m:" + s.item + ">", close = "</m:" + s.item + ">";
  const auto item = s.xml.find(open);
  ASSERT_NE(item, std::string::npos) << open;
  const auto mrid_end = s.xml.find("</m:mRID>", item) + std::string("</m:mRID>").size();
  ASSERT_EQ(s.xml.compare(item + open.size(), 8, "<m:mRID>"), 0) << s.xml.substr(item, 80);
  const std::string mrid = s.xml.substr(item + open.size(), mrid_end - item - open.size());
  std::string bad = s.xml;
  bad.erase(item + open.size(), mrid.size());
  bad.insert(bad.find(close, item), mrid);
  expect_refused(bad, s.wrapper + "/Payload/" + s.noun + "/" + s.item, "mRID moved to the end");
}

TEST_P(BadPayload, MissingMandatoryElement) {
  Sample s = sample(GetParam());
  // The payload root needs at least one item.
  const auto root = s.xml.find("<m:" + s.noun + " ");
  const auto root_end = s.xml.find("</m:" + s.noun + ">") + s.noun.size() + 5;
  std::string bad = s.xml;
  bad.replace(root, root_end - root, "<m:" + s.noun + " xmlns:m=\"" + s.ns + "\"></m:" + s.noun + ">");
  expect_refused(bad, s.wrapper + "/Payload/" + s.noun, "payload root without items");
  // A Name without its mandatory name.
  const auto names = s.xml.find("<m:Names><m:name>");
  ASSERT_NE(names, std::string::npos);
  const auto name_end = s.xml.find("</m:name>", names) + 9;
  bad = s.xml;
  bad.erase(names + 9, name_end - names - 9);
  expect_refused(bad, s.wrapper + "/Payload/" + s.noun + "/", "Names without name");
}

TEST_P(BadPayload, WrongNamespace) {
  Sample s = sample(GetParam());
  std::string bad = s.xml;
  const std::string declaration = "xmlns:m=\"" + s.ns + "\"";
  bad.replace(bad.find(declaration), declaration.size(), "xmlns:m=\"http://iec.ch/TC57/2014/" + s.noun + "#\"");
  expect_refused(bad, s.wrapper + "/Payload", "payload in another namespace");
}

INSTANTIATE_TEST_SUITE_P(EveryNoun, BadPayload, testing::ValuesIn(kNouns),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace cimbus
