// A partner that uses another namespace for a noun (here the 2014 one for TroubleTickets):
// configured as an alias, its payloads are validated and decode into the same type, and cimbus
// can answer in the partner's namespace.

#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/codec/xml_codec.hpp"

namespace cimbus {
namespace {

const std::string kAlias = "http://iec.ch/TC57/2014/TroubleTickets#";
const std::string kOurs = "http://iec.ch/TC57/2015/TroubleTickets#";

std::string message(const std::string& mrid) {
  return "<w:CreateTroubleTickets xmlns:w=\"http://iec.ch/TC57/2014/TroubleTicketsMessage\" "
         "xmlns=\"http://iec.ch/TC57/2011/schema/message\" xmlns:m=\"" + kAlias + "\">"
         "<w:Header><Verb>create</Verb><Noun>TroubleTickets</Noun></w:Header><w:Payload><m:TroubleTickets>"
         "<m:TroubleTicket><m:mRID>" + mrid + "</m:mRID><m:reportingKind>ivr</m:reportingKind>"
         "</m:TroubleTicket></m:TroubleTickets></w:Payload></w:CreateTroubleTickets>";
}

std::shared_ptr<SchemaRegistry> registry_with_alias() {
  SchemaRegistryOptions options;
  options.namespace_aliases = {{kAlias, kOurs}};
  return std::make_shared<SchemaRegistry>(builtin_schemas(), options);
}

TEST(NamespaceAlias, PayloadInTheAliasDecodesIntoTheSameType) {
  XmlCodec codec({}, registry_with_alias());
  DecodeResult r = codec.decode(message("a3f1c2d4-5b6e-4f70-8192-a3b4c5d6e7f8"));
  ASSERT_TRUE(r.accepted()) << r.primary_code() << " " << (r.diagnostics.empty() ? "" : r.diagnostics[0].reason);
  ASSERT_EQ(r.envelope.payload_objects_size(), 1);
  customer::trouble_tickets::TroubleTickets tickets;
  ASSERT_TRUE(r.envelope.payload_objects(0).UnpackTo(&tickets));
  EXPECT_EQ(tickets.trouble_ticket(0).reporting_kind(), customer::trouble_tickets::TroubleReportingKind::ivr);
}

TEST(NamespaceAlias, PayloadInTheAliasIsValidated) {
  XmlCodec codec({}, registry_with_alias());
  DecodeResult r = codec.decode(message("not-a-uuid"));
  EXPECT_EQ(r.status, DecodeResult::Status::rejected);
  EXPECT_EQ(r.primary_code(), "1.8");
}

TEST(NamespaceAlias, WithoutTheAliasThePayloadIsRefused) {
  DecodeResult r = XmlCodec().decode(message("a3f1c2d4-5b6e-4f70-8192-a3b4c5d6e7f8"));
  EXPECT_EQ(r.status, DecodeResult::Status::rejected);
  EXPECT_EQ(r.primary_code(), "1.8");
}

TEST(NamespaceAlias, AnswerInThePartnersNamespace) {
  XmlCodec codec({}, registry_with_alias());
  DecodeResult r = codec.decode(message("a3f1c2d4-5b6e-4f70-8192-a3b4c5d6e7f8"));
  ASSERT_TRUE(r.accepted());
  EncodeOptions options;
  options.payload_namespaces = {{kOurs, kAlias}};
  const std::string xml = codec.encode(r.envelope, options);
  EXPECT_NE(xml.find(kAlias), std::string::npos) << xml;
  EXPECT_EQ(xml.find(kOurs), std::string::npos) << xml;
  DecodeResult back = codec.decode(xml);
  ASSERT_TRUE(back.accepted()) << xml;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(r.envelope, back.envelope));
  // By default cimbus writes its own namespace.
  EXPECT_NE(codec.encode(r.envelope).find(kOurs), std::string::npos);
}

TEST(NamespaceAlias, AnAliasOfNoLoadedSchemaIsAConfigurationError) {
  SchemaRegistryOptions options;
  options.namespace_aliases = {{"urn:x", "urn:not-loaded"}};
  EXPECT_THROW(SchemaRegistry(builtin_schemas(), options), std::runtime_error);
}

}  // namespace
}  // namespace cimbus
