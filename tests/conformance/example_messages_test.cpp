// The example messages written for every noun (tests/data/messages, three or more per noun, in
// generic and typed wrappers): accepted in strict mode, payload or query decoded into its
// generated type, and decode -> encode -> decode gives the same envelope.

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "cimbus/codec/xml_codec.hpp"
#include "test_files.hpp"

namespace cimbus {
namespace {

class ExampleMessage : public testing::TestWithParam<std::string> {};

TEST_P(ExampleMessage, DecodesTypedAndRoundTrips) {
  XmlCodec codec;
  DecodeResult first = codec.decode(test::read_file(GetParam()));
  ASSERT_TRUE(first.accepted()) << first.primary_code();
  // One typed object, or an OperationSet, whose operations' payloads are decoded when they run.
  const bool operation_set = first.envelope.message().payload().has_operation_set();
  EXPECT_EQ(first.envelope.payload_objects_size() + first.envelope.request_objects_size(), operation_set ? 0 : 1);
  EXPECT_EQ(first.envelope.message().payload().any_size(), 0) << "payload left as raw XML";
  for (bool indent : {false, true}) {
    EncodeOptions options;
    options.indent = indent;
    const std::string xml = codec.encode(first.envelope, options);
    DecodeResult second = codec.decode(xml);
    ASSERT_TRUE(second.accepted()) << xml;
    std::string differences;
    google::protobuf::util::MessageDifferencer differ;
    differ.ReportDifferencesToString(&differences);
    EXPECT_TRUE(differ.Compare(first.envelope, second.envelope)) << differences << "\n" << xml;
  }
}

std::vector<std::string> examples() { return test::list_files(CIMBUS_EXAMPLES_DIR, "", ".xml"); }

INSTANTIATE_TEST_SUITE_P(EveryNoun, ExampleMessage, testing::ValuesIn(examples()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(info.param.rfind('/') + 1);
                           name = name.substr(0, name.size() - 4);
                           for (char& c : name)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(ExampleMessages, ThreePerNoun) {
  for (const char* noun : {"TroubleTickets", "Incidents", "ServiceRequests", "CustomerAgreements", "WorkRequests",
                           "MaintenanceOrders", "ServiceOrders"})
    EXPECT_GE(test::list_files(CIMBUS_EXAMPLES_DIR, std::string(noun) + "-", ".xml").size(), 3u) << noun;
}

}  // namespace
}  // namespace cimbus
