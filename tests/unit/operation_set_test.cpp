// OperationSet execute (operation_set.hpp) on a real SQLite store: operations decoded against
// their noun's schema, run through the request handlers, all or nothing with
// enforceTransactionalIntegrity (5.9), per operation without it (PARTIAL), Error/operationId.


#include <filesystem>
#include <map>
#include <set>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cimbus/codec/operation_set_routing.hpp"
#include "operation_set.hpp"
#include "test_files.hpp"
#include "cimbus/runtime/rejection.hpp"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/store/statement.hpp"
#include "cimbus/store/store.hpp"
#include "cimbus/codec/uuid.hpp"

namespace cimbus::adapter::detail {
namespace {

using TroubleTickets = customer::trouble_tickets::TroubleTickets;
using V = msg::HeaderType_Verb;
using R = msg::ReplyType_Result;

class OperationSet : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = test::fresh_store_file("operation-set", ::testing::UnitTest::GetInstance()->current_test_info()->name());
    store_ = std::make_unique<store::Store>(path);
    store::Statement(store_->connection(), "CREATE TABLE tickets (mrid TEXT PRIMARY KEY, verb TEXT)").run();
    // The handlers of a small system of record: "refuse" in a comment is a business refusal.
    auto record = [](Context& c) {
      auto tickets = c.payload<TroubleTickets>();
      if (!tickets) throw Rejection("1.7", "no TroubleTickets");
      for (const auto& t : tickets->trouble_ticket()) {
        if (t.comment().find("refuse") != std::string::npos) throw Rejection("2.22", "unknown customer");
        store::Statement(c.tx(), "INSERT OR REPLACE INTO tickets (mrid, verb) VALUES (?, ?)").bind(1, t.m_rid()).bind(2, to_literal(c.verb())).run();
        c.add_reply_id(t.m_rid());
      }
      Envelope event;
      event.mutable_message()->mutable_header()->set_verb(*past_tense(c.verb()));
      event.mutable_message()->mutable_header()->set_noun("TroubleTickets");
      c.publish(event);
    };
    handlers_[{"TroubleTickets", V::create}] = record;
    handlers_[{"TroubleTickets", V::cancel}] = record;
    handlers_[{"TroubleTickets", V::get}] = [](Context&) {};
  }

  // The ticket of the example message, with a fresh mRID and `comment`, as an operation's XML.
  std::string ticket_xml(const std::string& comment, std::string* mrid = nullptr) {
    DecodeResult r = codec_.decode(test::read_file(std::string(CIMBUS_EXAMPLES_DIR) + "/TroubleTickets-create.xml"));
    EXPECT_TRUE(r.accepted());
    TroubleTickets tickets;
    EXPECT_TRUE(r.envelope.payload_objects(0).UnpackTo(&tickets));
    tickets.mutable_trouble_ticket(0)->set_m_rid(new_uuid());
    tickets.mutable_trouble_ticket(0)->set_comment(comment);
    if (mrid) *mrid = tickets.mutable_trouble_ticket(0)->m_rid();
    google::protobuf::Any any;
    any.PackFrom(tickets);
    return codec_.encode_object(any);
  }

  static msg::OperationType* add(Envelope& e, std::int64_t id, const std::string& verb, const std::string& xml) {
    auto* op = e.mutable_message()->mutable_payload()->mutable_operation_set()->add_operation();
    op->set_operation_id(id);
    op->set_noun("TroubleTickets");
    op->set_verb(verb);
    if (!xml.empty()) op->set_any(xml);
    return op;
  }

  static Envelope execute_request(bool all_or_nothing) {
    Envelope e;
    e.set_archetype(Envelope::REQUEST_MESSAGE);
    auto* h = e.mutable_message()->mutable_header();
    h->set_verb(V::execute);
    h->set_noun("TroubleTicketsOperationSet");
    h->set_message_id(new_uuid());
    auto* set = e.mutable_message()->mutable_payload()->mutable_operation_set();
    set->set_enforce_msg_sequence(true);
    set->set_enforce_transactional_integrity(all_or_nothing);
    return e;
  }

  // Sends `request` through the codec (as it would arrive) and runs it in a transaction.
  Envelope run(const Envelope& request, std::vector<Context::Outgoing>* outgoing = nullptr) {
    DecodeResult decoded = codec_.decode(codec_.encode(request));
    EXPECT_TRUE(decoded.accepted()) << decoded.primary_code() << " " << (decoded.diagnostics.empty() ? "" : decoded.diagnostics[0].reason);
    store::Transaction tx = store_->begin();
    Context c(decoded.envelope, tx, make_reply(decoded.envelope, R::OK));
    OperationSetRunner runner(codec_, handlers_, {});
    runner.execute(c);
    tx.commit();
    if (outgoing) *outgoing = c.outgoing();
    return c.reply();
  }

  int tickets() {
    int n = 0;
    store::Statement s(store_->connection(), "SELECT count(*) FROM tickets");
    if (s.step()) n = static_cast<int>(s.number(0));
    return n;
  }

  static std::vector<std::pair<std::string, std::int64_t>> errors(const Envelope& reply) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    for (const auto& e : reply.message().reply().error()) out.emplace_back(e.code(), e.has_operation_id() ? e.operation_id() : -1);
    return out;
  }

  XmlCodec codec_;
  std::unique_ptr<store::Store> store_;
  OperationSetRunner::Handlers handlers_;
};

TEST_F(OperationSet, NounWithOrWithoutTheSuffixNamesTheSameNoun) {
  EXPECT_EQ(operation_set_noun("ServiceOrdersOperationSet"), "ServiceOrders");
  EXPECT_EQ(operation_set_noun("ServiceOrders"), "ServiceOrders");
  EXPECT_EQ(operation_set_noun("OperationSet"), "OperationSet");
}

TEST_F(OperationSet, EveryOperationRunsThroughItsHandlerAndTheReplyCarriesTheirIds) {
  Envelope request = execute_request(true);
  std::string first, second;
  add(request, 1, "create", ticket_xml("fallen tree", &first));
  add(request, 2, "create", ticket_xml("no light", &second));
  std::vector<Context::Outgoing> outgoing;
  Envelope reply = run(request, &outgoing);
  EXPECT_EQ(reply.message().reply().result(), R::OK);
  ASSERT_EQ(reply.message().reply().id_size(), 2);
  EXPECT_EQ(reply.message().reply().id(0).value(), first);
  EXPECT_EQ(reply.message().reply().id(1).value(), second);
  EXPECT_EQ(tickets(), 2);
  ASSERT_EQ(outgoing.size(), 3u);
  EXPECT_EQ(outgoing[0].envelope.message().header().verb(), V::created);
  // Then the set's own event (6.8, 6.10), with the operations as executed, and encodable.
  const Envelope& executed = outgoing[2].envelope;
  EXPECT_EQ(executed.message().header().verb(), V::executed);
  EXPECT_EQ(executed.message().header().noun(), "TroubleTicketsOperationSet");
  EXPECT_EQ(executed.message().header().correlation_id(), request.message().header().message_id()) << "caused by the request (6.9)";
  ASSERT_EQ(executed.message().payload().operation_set().operation_size(), 2);
  EXPECT_NE(executed.message().payload().operation_set().operation(1).any().find(second), std::string::npos);
  Envelope sendable = executed;
  sendable.set_archetype(Envelope::EVENT_MESSAGE);
  EXPECT_TRUE(codec_.decode(codec_.encode(sendable)).accepted());
}

TEST_F(OperationSet, ASetThatFailsInPartHasNoExecutedEvent) {
  Envelope request = execute_request(false);
  add(request, 1, "create", ticket_xml("fallen tree"));
  add(request, 2, "create", ticket_xml("refuse: unknown customer"));
  std::vector<Context::Outgoing> outgoing;
  EXPECT_EQ(run(request, &outgoing).message().reply().result(), R::PARTIAL);
  for (const auto& out : outgoing) EXPECT_NE(out.envelope.message().header().verb(), V::executed);
}

// IEC 61968-100 FDIS 6.10: the Header's noun is "OperationSet"; its operations name their noun.
TEST_F(OperationSet, ANounOperationSetRunsByTheNounOfItsOperations) {
  Envelope request = execute_request(true);
  request.mutable_message()->mutable_header()->set_noun("OperationSet");
  add(request, 1, "create", ticket_xml("fallen tree"));
  EXPECT_EQ(routed_noun(request), "TroubleTickets");
  std::vector<Context::Outgoing> outgoing;
  EXPECT_EQ(run(request, &outgoing).message().reply().result(), R::OK);
  EXPECT_EQ(tickets(), 1);
  ASSERT_FALSE(outgoing.empty());
  EXPECT_EQ(outgoing.back().envelope.message().header().noun(), "OperationSet");
  EXPECT_EQ(routed_noun(outgoing.back().envelope), "TroubleTickets") << "evt.TroubleTickets.executed";
}

TEST_F(OperationSet, TheNounsOfASetAreItsOperationsNounsOnceEach) {
  Envelope request = execute_request(true);
  request.mutable_message()->mutable_header()->set_noun("OperationSet");
  EXPECT_EQ(routed_noun(request), "OperationSet") << "no operation names a noun";
  add(request, 1, "create", "");
  add(request, 2, "create", "")->set_noun("WorkRequests");
  add(request, 3, "create", "");
  EXPECT_EQ(operation_nouns(request), (std::vector<std::string>{"TroubleTickets", "WorkRequests"}));
  EXPECT_EQ(routed_noun(request), "TroubleTickets");
  request.mutable_message()->mutable_header()->set_noun("WorkRequestsOperationSet");
  EXPECT_EQ(routed_noun(request), "WorkRequestsOperationSet") << "the typed form keeps its own route";
}

TEST_F(OperationSet, WithTransactionalIntegrityOneFailureRollsBackEverythingWith5_9) {
  Envelope request = execute_request(true);
  add(request, 7, "create", ticket_xml("fallen tree"));
  add(request, 8, "create", ticket_xml("refuse: unknown customer"));
  add(request, 9, "create", ticket_xml("never reached"));
  std::vector<Context::Outgoing> outgoing;
  Envelope reply = run(request, &outgoing);
  EXPECT_EQ(reply.message().reply().result(), R::FAILED);
  EXPECT_EQ(errors(reply), (std::vector<std::pair<std::string, std::int64_t>>{{"5.9", 8}, {"2.22", 8}}));
  EXPECT_EQ(reply.message().reply().id_size(), 0);
  EXPECT_EQ(tickets(), 0) << "operation 7 must be rolled back with the set";
  EXPECT_TRUE(outgoing.empty()) << "no event of a rolled-back operation may be sent";
}

TEST_F(OperationSet, WithoutTransactionalIntegrityEachOperationStandsAloneAndTheResultIsPartial) {
  Envelope request = execute_request(false);
  std::string kept;
  add(request, 1, "create", ticket_xml("fallen tree", &kept));
  add(request, 2, "create", ticket_xml("refuse: unknown customer"));
  std::vector<Context::Outgoing> outgoing;
  Envelope reply = run(request, &outgoing);
  EXPECT_EQ(reply.message().reply().result(), R::PARTIAL);
  EXPECT_EQ(errors(reply), (std::vector<std::pair<std::string, std::int64_t>>{{"2.22", 2}}));
  ASSERT_EQ(reply.message().reply().id_size(), 1);
  EXPECT_EQ(reply.message().reply().id(0).value(), kept);
  EXPECT_EQ(tickets(), 1);
  EXPECT_EQ(outgoing.size(), 1u);
}

TEST_F(OperationSet, WhenEveryOperationFailsTheResultIsFailed) {
  Envelope request = execute_request(false);
  add(request, 1, "create", ticket_xml("refuse"));
  Envelope reply = run(request);
  EXPECT_EQ(reply.message().reply().result(), R::FAILED);
  EXPECT_EQ(reply.message().reply().operation_id(), 1) << "a reply about one operation names it (Reply/operationId)";
  EXPECT_EQ(tickets(), 0);
}

TEST_F(OperationSet, AnOperationIsValidatedAgainstItsNounsSchema) {
  Envelope request = execute_request(false);
  add(request, 1, "create", ticket_xml("ok"));
  std::string bad = ticket_xml("bad kind");
  const std::string from = "<m:kind>residential</m:kind>";
  ASSERT_NE(bad.find(from), std::string::npos);
  bad.replace(bad.find(from), from.size(), "<m:kind>Residential</m:kind>");  // invalid enumeration
  add(request, 2, "create", bad);
  // A wrong namespace is content no loaded schema describes (lax): the handler finds no tickets.
  add(request, 3, "create", "<x:TroubleTickets xmlns:x=\"urn:wrong\"/>");
  Envelope reply = run(request);
  EXPECT_EQ(reply.message().reply().result(), R::PARTIAL);
  std::map<std::int64_t, std::set<std::string>> failed;
  for (const auto& e : reply.message().reply().error()) failed[e.operation_id()].insert(e.code());
  EXPECT_EQ(failed, (std::map<std::int64_t, std::set<std::string>>{{2, {"1.8"}}, {3, {"1.7"}}}));
  EXPECT_EQ(tickets(), 1);
}

TEST_F(OperationSet, VerbsAndNounsAnOperationCannotCarryAreRefusedPerOperation) {
  Envelope request = execute_request(false);
  add(request, 1, "get", ticket_xml("a"));
  add(request, 2, "Create", ticket_xml("b"));
  add(request, 3, "change", ticket_xml("c"));  // served noun, verb not served
  add(request, 4, "create", ticket_xml("d"))->set_noun("Meters");
  add(request, 5, "create", ticket_xml("e"))->set_element_operation(true);
  add(request, 6, "create", "");
  add(request, 7, "", ticket_xml("g"));
  Envelope reply = run(request);
  EXPECT_EQ(reply.message().reply().result(), R::FAILED);
  EXPECT_EQ(errors(reply), (std::vector<std::pair<std::string, std::int64_t>>{
                               {"2.9", 1}, {"2.9", 2}, {"2.9", 3}, {"2.5", 4}, {"2.9", 5}, {"1.7", 6}, {"1.7", 7}}));
}

TEST_F(OperationSet, AMissingOrAmbiguousOperationSetIsRefusedAsAWhole) {
  Envelope empty = execute_request(true);
  store::Transaction tx = store_->begin();
  Context c(empty, tx, make_reply(empty, R::OK));
  OperationSetRunner runner(codec_, handlers_, {});
  try {
    runner.execute(c);
    FAIL() << "an OperationSet without Operation was run";
  } catch (const Rejection& r) {
    EXPECT_EQ(r.errors().at(0).code, "1.7");
  }
  Envelope twice = execute_request(true);
  add(twice, 4, "create", ticket_xml("a"));
  add(twice, 4, "create", ticket_xml("b"));
  Context c2(twice, tx, make_reply(twice, R::OK));
  try {
    runner.execute(c2);
    FAIL() << "an operationId used twice was accepted";
  } catch (const Rejection& r) {
    EXPECT_EQ(r.errors().at(0).code, "1.8");
  }
}

TEST_F(OperationSet, TheTestVectorTv06IsRunAsAWholeAndRolledBack) {
  // tv06: ServiceOrdersOperationSet, both flags, create then delete of ServiceOrders.
  DecodeResult decoded = codec_.decode(test::read_file(test::reference("instances/testvectors/tv06_operationset.xml")));
  ASSERT_TRUE(decoded.accepted());
  int created = 0;
  handlers_[{"ServiceOrders", V::create}] = [&](Context&) { ++created; };
  store::Transaction tx = store_->begin();
  Context c(decoded.envelope, tx, make_reply(decoded.envelope, R::OK));
  OperationSetRunner(codec_, handlers_, {}).execute(c);
  const auto& reply = c.reply().message().reply();
  EXPECT_EQ(reply.result(), R::FAILED);
  ASSERT_GE(reply.error_size(), 2);
  EXPECT_EQ(reply.error(0).code(), "5.9");
  EXPECT_TRUE(reply.error(0).has_operation_id());
}

}  // namespace
}  // namespace cimbus::adapter::detail
