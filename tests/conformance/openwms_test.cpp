// Real SOAP-wrapped traffic (../shared/reference/instances/openwms): typed per-noun wrappers of
// ServiceOrders and MaintenanceOrders, whose payloads decode into the generated Part 6 types.
// Six of the eight carry mRIDs that are not UUIDs: warnings in lenient mode, 1.8 in strict mode.

#include <sstream>

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "cimbus/work/get_service_orders.pb.h"
#include "cimbus/work/service_orders.pb.h"
#include "cimbus/codec/xml_codec.hpp"
#include "test_files.hpp"

namespace cimbus {
namespace {

std::vector<std::string> openwms() { return test::list_files(test::reference("instances/openwms"), "", ".xml"); }

TEST(OpenWms, AllEightAreAcceptedInLenientMode) {
  ASSERT_EQ(openwms().size(), 8u);
  XmlCodec codec({ValidationPolicy::lenient, {}});
  for (const auto& file : openwms()) {
    DecodeResult r = codec.decode(test::read_file(file));
    EXPECT_TRUE(r.accepted()) << file << ": " << (r.diagnostics.empty() ? "" : r.diagnostics[0].reason);
    EXPECT_TRUE(r.envelope.has_wrapper()) << file;
  }
}

TEST(OpenWms, TypedWrapperIsRecognised) {
  XmlCodec codec({ValidationPolicy::lenient, {}});
  DecodeResult r = codec.decode(test::read_file(test::reference("instances/openwms/createServiceOrderSend1.xml")));
  ASSERT_TRUE(r.accepted());
  EXPECT_EQ(r.envelope.archetype(), Envelope::REQUEST_MESSAGE);
  EXPECT_EQ(r.envelope.wrapper().name(), "CreateServiceOrders");
  EXPECT_EQ(r.envelope.wrapper().namespace_(), "http://iec.ch/TC57/2015/ServiceOrdersMessage");
  const auto& h = r.envelope.message().header();
  EXPECT_EQ(h.verb(), msg::HeaderType_Verb::create);
  EXPECT_EQ(h.user().user_id(), "epriuser");
  EXPECT_EQ(r.envelope.message().request().start_time(), "2017-02-23T19:43:52.036-05:00");
  // The payload decodes into the generated ServiceOrders type; nothing is left as raw XML.
  EXPECT_EQ(r.envelope.message().payload().any_size(), 0);
  ASSERT_EQ(r.envelope.payload_objects_size(), 1);
  work::service_orders::ServiceOrders orders;
  ASSERT_TRUE(r.envelope.payload_objects(0).UnpackTo(&orders));
  ASSERT_EQ(orders.service_order_size(), 1);
  ASSERT_GE(orders.service_order(0).work_size(), 1);
  const auto& work = orders.service_order(0).work(0);
  EXPECT_EQ(work.kind(), work::service_orders::WorkKind::service);
  EXPECT_EQ(work.status_kind(), work::service_orders::WorkStatusKind::approved);
  EXPECT_EQ(work.priority().rank(), 1);
  ASSERT_GE(work.work_tasks_size(), 1);
  ASSERT_GE(work.work_tasks(0).assets_size(), 1);
  EXPECT_EQ(work.work_tasks(0).assets(0).m_rid(), "12-74392-222");
}

TEST(OpenWms, GetQueryDecodesIntoTheQueryProfile) {
  DecodeResult r = XmlCodec().decode(test::read_file(test::reference("instances/openwms/getServiceOrderSend1.xml")));
  ASSERT_TRUE(r.accepted()) << r.primary_code();
  ASSERT_EQ(r.envelope.request_objects_size(), 1);
  work::get_service_orders::GetServiceOrders query;
  ASSERT_TRUE(r.envelope.request_objects(0).UnpackTo(&query));
  ASSERT_EQ(query.service_order_size(), 1);
  EXPECT_EQ(query.service_order(0).m_rid(), "cdde53a7-692e-4322-9841-3f5bb3db9b84");
}

TEST(OpenWms, NonUuidMridsAreWarningsInLenientAndErrorsWithTheirPathInStrict) {
  int rejected = 0;
  for (const auto& file : openwms()) {
    const std::string xml = test::read_file(file);
    DecodeResult strict = XmlCodec().decode(xml);
    DecodeResult lenient = XmlCodec({ValidationPolicy::lenient, {}}).decode(xml);
    const bool is_get_request = file.find("Send1") != std::string::npos && file.find("/get") != std::string::npos;
    if (is_get_request) {
      EXPECT_TRUE(strict.accepted()) << file << ": " << strict.primary_code();
      continue;
    }
    ++rejected;
    EXPECT_EQ(strict.status, DecodeResult::Status::rejected) << file;
    bool mrid_error = false;
    for (const auto& d : strict.diagnostics)
      if (d.code == "1.8" && d.is_error()) {
        mrid_error = true;
        EXPECT_EQ(d.path.substr(d.path.size() - 5), "/mRID") << file << ": " << d.path;
        EXPECT_NE(d.path.find("/Payload/"), std::string::npos) << d.path;
      }
    EXPECT_TRUE(mrid_error) << file;
    int warnings = 0;
    for (const auto& d : lenient.diagnostics) warnings += d.code == "1.8" && d.level == Level::warning;
    EXPECT_GE(warnings, 1) << file;
  }
  EXPECT_EQ(rejected, 6);
}

// What cimbus writes for these nouns validates against the public EPRI profiles (create for the
// create exchanges, get for the get exchanges), the non-UUID mRIDs of the originals aside.
TEST(OpenWms, ReencodedMessagesValidateAgainstTheEpriProfiles) {
  XmlCodec codec({ValidationPolicy::lenient, {}});
  for (const auto& file : openwms()) {
    DecodeResult r = codec.decode(test::read_file(file));
    ASSERT_TRUE(r.accepted()) << file;
    const bool get = file.find("/get") != std::string::npos;
    const bool maintenance = file.find("Maint") != std::string::npos;
    const std::string xsd = test::reference(std::string("iec61968-6-epri2015/") + (get ? "get/Get" : "create/") +
                                            (maintenance ? "MaintenanceOrders" : "ServiceOrders") + "Message.xsd");
    if (get && file.find("Response") != std::string::npos) {
      // The original says Verb "get" in a response; the reply cimbus would send says "reply".
      r.envelope.mutable_message()->mutable_header()->set_verb(msg::HeaderType_Verb::reply);
    }
    const std::string errors = test::xmllint_errors(codec.encode(r.envelope), xsd);
    std::string remaining;
    std::istringstream lines(errors);
    for (std::string line; std::getline(lines, line);)
      if (!(line.find("element mRID:") != std::string::npos && line.find("[facet 'pattern']") != std::string::npos) &&
          line.find("fails to validate") == std::string::npos)
        remaining += line + "\n";
    EXPECT_EQ(remaining, "") << file;
  }
}

TEST(OpenWms, HeaderThatContradictsTheWrapperIsAnErrorInStrictAndAWarningInLenient) {
  // getServiceOrderResponse1: a GetServiceOrdersResponseMessage whose Header says "get".
  const std::string xml = test::read_file(test::reference("instances/openwms/getServiceOrderResponse1.xml"));
  DecodeResult strict = XmlCodec().decode(xml);
  EXPECT_EQ(strict.status, DecodeResult::Status::rejected);
  EXPECT_EQ(strict.primary_code(), "2.9");
  DecodeResult lenient = XmlCodec({ValidationPolicy::lenient, {}}).decode(xml);
  EXPECT_TRUE(lenient.accepted());

  // The case from the openwms SoapUI project: change/WorkRequests inside a Get MaintenanceOrders request.
  std::string contradicting = test::read_file(test::reference("instances/openwms/getMaintOrderSend1.xml"));
  contradicting.replace(contradicting.find("<ns2:Verb>get</ns2:Verb>"), 24, "<ns2:Verb>change</ns2:Verb>");
  contradicting.replace(contradicting.find("<ns2:Noun>noun</ns2:Noun>"), 25, "<ns2:Noun>WorkRequests</ns2:Noun>");
  DecodeResult s = XmlCodec().decode(contradicting);
  EXPECT_EQ(s.status, DecodeResult::Status::rejected);
  bool verb = false, noun = false;
  for (const auto& d : s.diagnostics) {
    verb |= d.code == "2.9" && d.is_error();
    noun |= d.code == "2.5" && d.is_error();
  }
  EXPECT_TRUE(verb && noun);
  DecodeResult l = XmlCodec({ValidationPolicy::lenient, {}}).decode(contradicting);
  EXPECT_TRUE(l.accepted());
  int warnings = 0;
  for (const auto& d : l.diagnostics) warnings += d.level == Level::warning && (d.code == "2.9" || d.code == "2.5");
  EXPECT_EQ(warnings, 2);
}

TEST(OpenWms, TypedWrappersRoundTrip) {
  XmlCodec codec({ValidationPolicy::lenient, {}});
  for (const auto& file : openwms()) {
    DecodeResult first = codec.decode(test::read_file(file));
    ASSERT_TRUE(first.accepted()) << file;
    std::string xml = codec.encode(first.envelope);
    DecodeResult second = codec.decode(xml);
    ASSERT_TRUE(second.accepted()) << file << "\n" << xml;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first.envelope, second.envelope)) << file << "\n" << xml;
  }
}

TEST(OpenWms, SchemaValidationStillAppliesInsideATypedWrapper) {
  std::string xml = test::read_file(test::reference("instances/openwms/createServiceOrderSend1.xml"));
  xml.replace(xml.find("<ns2:Verb>create</ns2:Verb>"), 27, "<ns2:Verb>Create</ns2:Verb>");
  DecodeResult r = XmlCodec().decode(xml);
  EXPECT_EQ(r.status, DecodeResult::Status::rejected);
  EXPECT_EQ(r.primary_code(), "2.9");
  EXPECT_EQ(r.diagnostics[0].path, "/CreateServiceOrders/Header/Verb");
}

}  // namespace
}  // namespace cimbus
