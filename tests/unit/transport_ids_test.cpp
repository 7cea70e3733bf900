// AMQP message-ids and correlation-ids keep their type (string, uuid, binary, ulong) through
// Proton, the store and a reply's correlation: a JMS or AMQP peer matches its reply by the very
// value it sent (IEC 61968-100 FDIS 8.4.3).

#include <gtest/gtest.h>
#include <proton/binary.hpp>
#include <proton/message_id.hpp>
#include <proton/uuid.hpp>

#include "cimbus/bus/reply_correlation.hpp"
#include "cimbus/bus/stored_form.hpp"
#include "proton_form.hpp"

namespace cimbus::bus {
namespace {

// Encoded and decoded as the wire carries it.
AmqpMessage over_the_wire(const AmqpMessage& m) {
  std::vector<char> bytes;
  to_proton(m).encode(bytes);
  proton::message received;
  received.decode(bytes);
  return from_proton(received);
}

struct TypedId {
  std::string text;
  IdType type;
  proton::type_id wire;
};

class TransportIds : public testing::TestWithParam<TypedId> {};

TEST_P(TransportIds, KeepTheirTypeOnTheWireAndInTheStore) {
  const TypedId& id = GetParam();
  AmqpMessage m;
  m.body = "<x/>";
  m.message_id = id.text;
  m.message_id_type = id.type;
  m.correlation_id = id.text;
  m.correlation_id_type = id.type;
  const proton::message p = to_proton(m);
  EXPECT_EQ(p.id().type(), id.wire);
  EXPECT_EQ(p.correlation_id().type(), id.wire);
  const AmqpMessage received = over_the_wire(m);
  EXPECT_EQ(received.message_id, id.text);
  EXPECT_EQ(received.message_id_type, id.type);
  EXPECT_EQ(received.correlation_id, id.text);
  EXPECT_EQ(received.correlation_id_type, id.type);
  const AmqpMessage stored = from_stored(to_stored(received));
  EXPECT_EQ(stored.message_id, id.text);
  EXPECT_EQ(stored.message_id_type, id.type);
  EXPECT_EQ(stored.correlation_id_type, id.type);
}

INSTANTIATE_TEST_SUITE_P(EveryAmqpIdType, TransportIds,
                         testing::Values(TypedId{"ID:6f1c2a7e-3b1d-4e55-9a0c-2d4e6f8a0b1c:1:1:1-1", IdType::string, proton::STRING},
                                         TypedId{"6f1c2a7e-3b1d-4e55-9a0c-2d4e6f8a0b1c", IdType::uuid, proton::UUID},
                                         TypedId{"00ff10", IdType::binary, proton::BINARY},
                                         TypedId{"18446744073709551615", IdType::ulong, proton::ULONG}));

TEST(TransportIds, APeersIdsAreReadWithTheirType) {
  proton::message p("<x/>");
  const char raw[16] = {'\x6f', '\x1c', '\x2a', '\x7e', '\x3b', '\x1d', '\x4e', '\x55', '\x9a', '\x0c', '\x2d', '\x4e', '\x6f', '\x8a', '\x0b', '\x1c'};
  p.id(proton::uuid::copy(raw));
  p.correlation_id(proton::binary(std::string("\x01\xfe", 2)));
  const AmqpMessage m = from_proton(p);
  EXPECT_EQ(m.message_id, "6f1c2a7e-3b1d-4e55-9a0c-2d4e6f8a0b1c");
  EXPECT_EQ(m.message_id_type, IdType::uuid);
  EXPECT_EQ(m.correlation_id, "01fe");
  EXPECT_EQ(m.correlation_id_type, IdType::binary);
}

// A store row whose text is not of its type (damaged, or written by hand) still goes out, as a
// string, rather than not at all.
TEST(TransportIds, AnIdThatIsNotOfItsTypeIsSentAsAString) {
  for (const auto& [text, type] : std::vector<std::pair<std::string, IdType>>{
           {"not-a-uuid", IdType::uuid}, {"0g", IdType::binary}, {"-1", IdType::ulong}, {"99999999999999999999", IdType::ulong}}) {
    AmqpMessage m;
    m.message_id = text;
    m.message_id_type = type;
    const AmqpMessage received = over_the_wire(m);
    EXPECT_EQ(received.message_id, text);
    EXPECT_EQ(received.message_id_type, IdType::string) << text;
  }
}

TEST(ReplyCorrelation, TheRequestsCorrelationIdElseItsMessageIdWithItsType) {
  AmqpMessage jms_request;  // Qpid JMS: the provider's message-id, no correlation-id
  jms_request.message_id = "ID:peer-1:1:1:1-1";
  EXPECT_EQ(reply_correlation(jms_request), (TransportCorrelation{"ID:peer-1:1:1:1-1", IdType::string}));

  AmqpMessage numbered;  // a peer numbering its messages
  numbered.message_id = "42";
  numbered.message_id_type = IdType::ulong;
  AmqpMessage reply;
  reply.correlation_id = "from the Header";
  correlate(reply, reply_correlation(numbered));
  EXPECT_EQ(reply.correlation_id, "42");
  EXPECT_EQ(reply.correlation_id_type, IdType::ulong);

  AmqpMessage conversation = numbered;  // a correlation-id set by the application wins
  conversation.correlation_id = "6f1c2a7e-3b1d-4e55-9a0c-2d4e6f8a0b1c";
  conversation.correlation_id_type = IdType::uuid;
  EXPECT_EQ(reply_correlation(conversation), (TransportCorrelation{"6f1c2a7e-3b1d-4e55-9a0c-2d4e6f8a0b1c", IdType::uuid}));

  AmqpMessage anonymous;  // neither: the reply keeps what the Header gave it
  correlate(reply, reply_correlation(anonymous));
  EXPECT_EQ(reply.correlation_id, "42");
}

}  // namespace
}  // namespace cimbus::bus
