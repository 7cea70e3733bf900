// The adapter runtime against a real private RabbitMQ with the topology generated from
// tests/adapter/config: the OMS side is a separate process (cimbus_test_responder), the CIS and
// WMS sides are runtimes in this process, and raw Bus clients play misbehaving peers.


#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "test_adapter.hpp"
#include "cimbus/runtime/adapter.hpp"
#include "cimbus/bus/bus.hpp"
#include "cimbus/bus/envelope_mapping.hpp"
#include "cimbus/customer/trouble_tickets.pb.h"
#include "cimbus/codec/uuid.hpp"
#include "cimbus/codec/xml_codec.hpp"
#include "cimbus/store/statement.hpp"
#include "cimbus/store/store.hpp"
#include "test_broker.hpp"
#include "test_files.hpp"

namespace cimbus::adapter {
namespace {

using namespace std::chrono_literals;
using TroubleTickets = customer::trouble_tickets::TroubleTickets;
using V = msg::HeaderType_Verb;

std::string test_name() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

// A ticket as the CIS sends it: the example message's ticket with a fresh mRID and `comment`.
TroubleTickets ticket(const std::string& comment) {
  XmlCodec codec;
  DecodeResult r = codec.decode(test::read_file(std::string(CIMBUS_EXAMPLES_DIR) + "/TroubleTickets-create.xml"));
  EXPECT_TRUE(r.accepted());
  TroubleTickets tickets;
  EXPECT_TRUE(r.envelope.payload_objects(0).UnpackTo(&tickets));
  tickets.mutable_trouble_ticket(0)->set_m_rid(new_uuid());
  tickets.mutable_trouble_ticket(0)->set_comment(comment);
  return tickets;
}

Envelope request(Verb verb, const TroubleTickets& tickets) {
  Envelope e;
  e.mutable_message()->mutable_header()->set_verb(verb);
  e.mutable_message()->mutable_header()->set_noun("TroubleTickets");
  e.add_payload_objects()->PackFrom(tickets);
  return e;
}

std::vector<std::string> codes(const Envelope& reply) {
  std::vector<std::string> out;
  for (const auto& e : reply.message().reply().error()) out.push_back(e.code());
  return out;
}

// Replies and other messages arriving on one queue, for raw-client tests.
class Inbox {
 public:
  void add(bus::AmqpMessage m) {
    std::lock_guard<std::mutex> lock(mutex_);
    messages_.push_back(std::move(m));
    arrived_.notify_all();
  }
  // Waits until `n` messages matching `match` arrived; returns them (fewer on timeout).
  template <class Match>
  std::vector<bus::AmqpMessage> wait(std::size_t n, Match match, std::chrono::seconds timeout = 30s) {
    std::unique_lock<std::mutex> lock(mutex_);
    std::vector<bus::AmqpMessage> found;
    arrived_.wait_for(lock, timeout, [&] {
      found.clear();
      for (const auto& m : messages_)
        if (match(m)) found.push_back(m);
      return found.size() >= n;
    });
    return found;
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<bus::AmqpMessage> messages_;
};

class AdapterRuntime : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = test::test_broker();
    dir_ = std::string(CIMBUS_TEST_TMP) + "/adapter/" + test_name();
    std::filesystem::remove_all(dir_);
    oms_options_ = test::adapter_options(config("oms"), broker_, "oms-" + test_name(), dir_);
    oms_ = std::make_unique<test::AdapterProcess>(CIMBUS_TEST_RESPONDER, test::write_config(oms_options_, dir_));
  }

  void TearDown() override {
    if (oms_ && oms_->running()) {
      EXPECT_EQ(oms_->stop(), 0) << "the responder did not drain and exit cleanly on SIGTERM";
    }
  }

  static std::string config(const std::string& system) { return std::string(CIMBUS_ADAPTER_CONFIG_DIR) + "/" + system + ".json"; }

  AdapterOptions options(const std::string& system) {
    return test::adapter_options(config(system), broker_, system + "-" + test_name(), dir_);
  }

  // How often the responder executed `message_id` (read from its SQLite file while it runs).
  int executions(const std::string& message_id) {
    store::Store store(oms_options_.config.store());
    store::Statement row(store.connection(), "SELECT n FROM executions WHERE message_id = ?");  // throws on any error
    row.bind(1, message_id);
    return row.step() ? static_cast<int>(row.number(0)) : 0;
  }

  // A raw client with its own reply queue, collecting what arrives there.
  struct RawClient {
    bus::Bus bus;
    Inbox inbox;
    std::string queue;
    explicit RawClient(const test::TestBroker& broker, const std::string& name) : bus(test::connection_to(broker)), queue("reply.raw-" + name) {
      bus::ReceiveOptions durable;
      durable.durable = true;
      bus.receive(bus::BrokerProfile::rabbitmq().own_queue_address(queue), [this](const bus::AmqpMessage& m) {
        inbox.add(m);
        return bus::Outcome::accepted;
      }, durable);
      bus.start();
    }
    bus::Outcome send(const std::string& target, bus::AmqpMessage m) { return bus.send(target, std::move(m)).get(); }
    // What arrives at `address` goes to `into` too (e.g. a system's dead-letter queue); then ready.
    void collect(const std::string& address, Inbox& into) {
      bus.receive(address, [&into](const bus::AmqpMessage& m) {
        into.add(m);
        return bus::Outcome::accepted;
      });
      ASSERT_TRUE(bus.wait_ready(30s));
    }
  };

  // A request encoded as a client would send it, with reply-to the raw client's queue.
  bus::AmqpMessage encoded(Envelope e, const std::string& reply_to) {
    auto* h = e.mutable_message()->mutable_header();
    if (h->message_id().empty()) h->set_message_id(new_uuid());
    h->set_reply_address(reply_to);
    e.set_archetype(Envelope::REQUEST_MESSAGE);
    XmlCodec codec;
    return bus::to_amqp_message(e, codec.encode(e));
  }

  // A create whose ticket's `comment` makes every attempt fail: the requester gets FAILED after 3
  // attempts, the message reaches the dead-letter queue as it came with `reason` in its reason,
  // nothing of it was executed, and the responder serves the next request. Returns the dead letter.
  bus::AmqpMessage given_up(const std::string& comment, const std::string& reason) {
    RawClient raw(broker_, test_name());
    Inbox dead;
    raw.collect(profile_.consume_address("oms.dead"), dead);
    bus::AmqpMessage m = encoded(request(V::create, ticket(comment)), raw.queue);
    EXPECT_EQ(raw.send(profile_.publish_address("req.TroubleTickets.create"), m), bus::Outcome::accepted);
    auto replies = raw.inbox.wait(1, [&](const bus::AmqpMessage& r) { return r.correlation_id == m.message_id; });
    EXPECT_EQ(replies.size(), 1u);
    for (const auto& reply : replies) {
      EXPECT_NE(reply.body.find("<Result>FAILED</Result>"), std::string::npos) << reply.body;
      EXPECT_NE(reply.body.find("<code>5.3</code>"), std::string::npos) << reply.body;
      EXPECT_NE(reply.body.find("3 attempts failed"), std::string::npos) << reply.body;
    }
    auto dead_letters = dead.wait(1, [&](const bus::AmqpMessage& d) { return d.message_id == m.message_id; });
    EXPECT_EQ(dead_letters.size(), 1u);
    if (dead_letters.empty()) return {};
    EXPECT_EQ(dead_letters[0].body, m.body) << "the dead-letter queue keeps the message as it came";
    EXPECT_NE(dead_letters[0].properties["x-cimbus-reason"].find(reason), std::string::npos) << dead_letters[0].properties["x-cimbus-reason"];
    EXPECT_EQ(executions(m.message_id), 0) << "its writes were rolled back with its savepoint";
    EXPECT_EQ(raw.inbox.wait(2, [&](const bus::AmqpMessage& r) { return r.correlation_id == m.message_id; }, 2s).size(), 1u)
        << "no reply of the failed attempts was sent";
    bus::AmqpMessage next = encoded(request(V::create, ticket("the next one")), raw.queue);
    EXPECT_EQ(raw.send(profile_.publish_address("req.TroubleTickets.create"), next), bus::Outcome::accepted);
    EXPECT_EQ(raw.inbox.wait(1, [&](const bus::AmqpMessage& r) { return r.correlation_id == next.message_id; }).size(), 1u);
    EXPECT_EQ(executions(next.message_id), 1);
    return dead_letters[0];
  }

  test::TestBroker broker_;
  std::string dir_;
  AdapterOptions oms_options_;
  std::unique_ptr<test::AdapterProcess> oms_;
  const bus::BrokerProfile profile_ = bus::BrokerProfile::rabbitmq();
};

TEST_F(AdapterRuntime, RequestGetsOneCorrelatedReplyWithThePayload) {
  Adapter cis(options("cis"));
  cis.start();
  ASSERT_TRUE(cis.wait_ready(30s));
  TroubleTickets tickets = ticket("street is dark");
  Envelope create = request(V::create, tickets);
  create.mutable_message()->mutable_header()->set_message_id(new_uuid());
  const std::string id = create.message().header().message_id();
  auto replies = cis.request(create, 30s);
  ASSERT_EQ(replies.wait_for(60s), std::future_status::ready);
  Replies r = replies.get();
  ASSERT_EQ(r.pages.size(), 1u);
  const Envelope& reply = r.last();
  EXPECT_EQ(reply.message().header().verb(), V::reply);
  EXPECT_EQ(reply.message().header().noun(), "TroubleTickets");
  EXPECT_EQ(reply.message().header().correlation_id(), id);
  EXPECT_NE(reply.message().header().message_id(), id);
  EXPECT_EQ(reply.message().header().source(), "oms");
  EXPECT_EQ(reply.message().reply().result(), msg::ReplyType_Result::OK);
  ASSERT_EQ(reply.message().reply().id_size(), 1);
  EXPECT_EQ(reply.message().reply().id(0).value(), tickets.trouble_ticket(0).m_rid());
  ASSERT_EQ(reply.payload_objects_size(), 1);
  TroubleTickets echoed;
  ASSERT_TRUE(reply.payload_objects(0).UnpackTo(&echoed));
  EXPECT_EQ(echoed.trouble_ticket(0).comment(), "street is dark");
  EXPECT_EQ(executions(id), 1);
  EXPECT_EQ(cis.stats().timed_out, 0u);
  cis.stop();
}

// The responder's journal has the request and its reply, each listing the ticket; the ticket is
// indexed once, by the request's row, and finds both (decisions/0038).
TEST_F(AdapterRuntime, ARequestAndItsReplyAreJournaledAndFoundByTheTicketIndexedOnce) {
  Adapter cis(options("cis"));
  cis.start();
  ASSERT_TRUE(cis.wait_ready(30s));
  const TroubleTickets tickets = ticket("journaled");
  const std::string mrid = tickets.trouble_ticket(0).m_rid();
  Envelope create = request(V::change, tickets);  // a change: no created event, whose row would name the ticket too
  create.mutable_message()->mutable_header()->set_message_id(new_uuid());
  const std::string id = create.message().header().message_id();
  auto replies = cis.request(create, 30s);
  ASSERT_EQ(replies.wait_for(60s), std::future_status::ready);
  ASSERT_EQ(replies.get().last().message().reply().result(), msg::ReplyType_Result::OK);
  store::JournalReader journal(oms_options_.config.store());
  const auto rows = journal.find(mrid, 10);
  ASSERT_EQ(rows.size(), 2u);
  const auto& in = rows[0].direction == "in" ? rows[0] : rows[1];
  const auto& out = rows[0].direction == "in" ? rows[1] : rows[0];
  EXPECT_EQ(in.kind, "request");
  EXPECT_EQ(in.message_id, id);
  EXPECT_EQ(in.result, "ok");
  EXPECT_EQ(out.kind, "reply");
  EXPECT_EQ(out.correlation_id, id);
  for (const auto* row : {&in, &out})
    EXPECT_NE(std::find(row->subjects.begin(), row->subjects.end(), mrid), row->subjects.end()) << row->direction;
  store::Store store(oms_options_.config.store());
  store::Statement indexed(store.connection(), "SELECT COUNT(*) FROM message_journal_names WHERE name = ?");
  indexed.bind(1, mrid);
  ASSERT_TRUE(indexed.step());
  EXPECT_EQ(indexed.number(0), 1) << "the request's row indexes the ticket; the reply is found as its answer";
  EXPECT_EQ(journal.find(id, 10).size(), 2u) << "by the request's MessageID: the request, and the reply by its CorrelationID";
  cis.stop();
}

TEST_F(AdapterRuntime, TheSameMessageIdDeliveredTwiceIsExecutedOnceAndAnsweredTwiceAlike) {
  RawClient raw(broker_, test_name());
  ASSERT_TRUE(raw.bus.wait_ready(30s));
  bus::AmqpMessage m = encoded(request(V::create, ticket("twice")), raw.queue);
  const std::string target = profile_.publish_address("req.TroubleTickets.create");
  ASSERT_EQ(raw.send(target, m), bus::Outcome::accepted);
  ASSERT_EQ(raw.send(target, m), bus::Outcome::accepted);  // a replay: same MessageID, same bytes
  auto replies = raw.inbox.wait(2, [&](const bus::AmqpMessage& r) { return r.correlation_id == m.message_id; });
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].message_id, replies[1].message_id) << "a replay gets the stored reply, not a new one";
  EXPECT_EQ(replies[0].body, replies[1].body);
  EXPECT_EQ(executions(m.message_id), 1);
}

TEST_F(AdapterRuntime, AMessageIdOlderThanTheInboxRetentionIsANewMessage) {
  RawClient raw(broker_, test_name());
  ASSERT_TRUE(raw.bus.wait_ready(30s));
  bus::AmqpMessage m = encoded(request(V::create, ticket("again, much later")), raw.queue);
  const std::string target = profile_.publish_address("req.TroubleTickets.create");
  const auto to_m = [&](const bus::AmqpMessage& r) { return r.correlation_id == m.message_id; };
  ASSERT_EQ(raw.send(target, m), bus::Outcome::accepted);
  ASSERT_EQ(raw.inbox.wait(1, to_m).size(), 1u);
  // The MessageID was first seen longer ago than the retention (7 days by default): the adapter
  // stopped, its inbox row is made 8 days old, and the pass of retention at start forgets it.
  ASSERT_EQ(oms_->stop(), 0);
  {
    store::Store store(oms_options_.config.store());
    store::Transaction tx = store.begin();
    store::Statement aged(tx, "UPDATE inbox SET first_seen = first_seen - 8 * 86400000 WHERE message_id = ?");
    ASSERT_EQ(aged.bind(1, m.message_id).run(), 1);
    tx.commit();
  }
  oms_ = std::make_unique<test::AdapterProcess>(CIMBUS_TEST_RESPONDER, test::write_config(oms_options_, dir_));
  ASSERT_EQ(raw.send(target, m), bus::Outcome::accepted);
  auto replies = raw.inbox.wait(2, to_m);
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_NE(replies[0].message_id, replies[1].message_id) << "forgotten: executed again, with a reply of its own";
  EXPECT_EQ(executions(m.message_id), 2);
}

TEST_F(AdapterRuntime, AsyncRequestIsAcknowledgedAtOnceThenAnsweredAtTheReplyAddress) {
  Adapter cis(options("cis"));
  cis.start();
  ASSERT_TRUE(cis.wait_ready(30s));
  Envelope create = request(V::create, ticket("async"));
  create.mutable_message()->mutable_header()->set_async_reply_flag(true);
  auto replies = cis.request(create, 30s);
  ASSERT_EQ(replies.wait_for(60s), std::future_status::ready);
  Replies r = replies.get();
  ASSERT_EQ(r.pages.size(), 2u);
  EXPECT_EQ(r.pages[0].message().reply().result(), msg::ReplyType_Result::OK);
  EXPECT_EQ(codes(r.pages[0]), std::vector<std::string>{"0.3"});
  EXPECT_EQ(r.pages[0].payload_objects_size(), 0);
  EXPECT_EQ(r.pages[1].message().reply().result(), msg::ReplyType_Result::OK);
  EXPECT_EQ(r.pages[1].payload_objects_size(), 1);
  EXPECT_EQ(r.pages[0].message().header().correlation_id(), r.pages[1].message().header().correlation_id());
  cis.stop();
}

TEST_F(AdapterRuntime, AsyncRequestWithoutReplyAddressFailsWith1_5) {
  RawClient raw(broker_, test_name());
  ASSERT_TRUE(raw.bus.wait_ready(30s));
  Envelope create = request(V::create, ticket("async, nowhere"));
  create.mutable_message()->mutable_header()->set_async_reply_flag(true);
  bus::AmqpMessage m = encoded(create, "");
  m.reply_to = raw.queue;  // the synchronous channel exists, the ReplyAddress does not
  ASSERT_EQ(raw.send(profile_.publish_address("req.TroubleTickets.create"), m), bus::Outcome::accepted);
  auto replies = raw.inbox.wait(1, [&](const bus::AmqpMessage& r) { return r.correlation_id == m.message_id; });
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_NE(replies[0].body.find("<Result>FAILED</Result>"), std::string::npos) << replies[0].body;
  EXPECT_NE(replies[0].body.find("<code>1.5</code>"), std::string::npos) << replies[0].body;
  EXPECT_EQ(executions(m.message_id), 0);
}

TEST_F(AdapterRuntime, GetIsAnsweredInPages) {
  Adapter cis(options("cis"));
  cis.start();
  ASSERT_TRUE(cis.wait_ready(30s));
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(cis.request(request(V::create, ticket("ticket " + std::to_string(i))), 30s).get().result(), msg::ReplyType_Result::OK);
  Envelope get;
  get.mutable_message()->mutable_header()->set_verb(V::get);
  get.mutable_message()->mutable_header()->set_noun("TroubleTickets");
  auto* option = get.mutable_message()->mutable_request()->add_option();
  option->set_name("pageSize");
  option->set_value("2");
  Replies r = cis.request(get, 30s).get();
  ASSERT_EQ(r.pages.size(), 3u);
  int items = 0;
  for (std::size_t i = 0; i < r.pages.size(); ++i) {
    EXPECT_EQ(r.pages[i].message().reply().result(), msg::ReplyType_Result::PARTIAL);
    EXPECT_EQ(codes(r.pages[i]), std::vector<std::string>{i + 1 < r.pages.size() ? "0.1" : "0.2"});
    TroubleTickets page;
    ASSERT_TRUE(r.pages[i].payload_objects(0).UnpackTo(&page));
    EXPECT_LE(page.trouble_ticket_size(), 2);
    items += page.trouble_ticket_size();
  }
  EXPECT_EQ(items, 5);
  cis.stop();
}

TEST_F(AdapterRuntime, AnEventReachesEverySubscribingSystemEvenOneThatWasDown) {
  std::mutex mutex;
  std::condition_variable seen;
  std::map<std::string, std::set<std::string>> events;  // system -> ticket mRIDs
  auto subscriber = [&](const std::string& system) {
    auto a = std::make_unique<Adapter>(options(system));
    a->on_event("TroubleTickets", V::created, [&, system](Context& c) {
      auto tickets = c.payload<TroubleTickets>();
      ASSERT_TRUE(tickets);
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& t : tickets->trouble_ticket()) events[system].insert(t.m_rid());
      seen.notify_all();
    });
    return a;
  };
  auto cis = subscriber("cis");
  cis->start();
  ASSERT_TRUE(cis->wait_ready(30s));
  // The WMS adapter is down while the OMS publishes: its durable queue keeps the event.
  TroubleTickets tickets = ticket("event for two");
  const std::string mrid = tickets.trouble_ticket(0).m_rid();
  ASSERT_EQ(cis->request(request(V::create, tickets), 30s).get().result(), msg::ReplyType_Result::OK);
  auto wms = subscriber("wms");
  wms->start();
  std::unique_lock<std::mutex> lock(mutex);
  EXPECT_TRUE(seen.wait_for(lock, 30s, [&] { return events["cis"].count(mrid) && events["wms"].count(mrid); }))
      << "cis saw it: " << events["cis"].count(mrid) << ", wms saw it: " << events["wms"].count(mrid);
  lock.unlock();
  cis->stop();
  wms->stop();
}

TEST_F(AdapterRuntime, APoisonMessageIsDeadLetteredWithItsReasonAndTheRequesterGetsFailed) {
  bus::AmqpMessage dead_letter = given_up("poison", "the system of record failed");
  EXPECT_EQ(dead_letter.properties["x-cimbus-attempts"], "4");
}

// The reply is encoded in the handler's savepoint (decisions/0038): a reply that cannot be encoded
// fails the handler, whose writes are rolled back, and the message goes the way of a poison one.
TEST_F(AdapterRuntime, AReplyThatCannotBeEncodedUndoesTheHandlersWritesAndEndsInTheDeadLetterQueue) {
  given_up("unencodable", "XML 1.0 cannot carry");
}


// A message whose changes fail only when its batch commits (a deferred foreign key of the system
// of record): the batch's other messages are tried again alone and commit; the culprit is given
// up after max_attempts, counted in memory, and the adapter never pauses as if its store failed.
TEST_F(AdapterRuntime, AMessageThatFailsOnlyAtCommitIsGivenUpAloneAndTakesNoOtherWithIt) {
  RawClient raw(broker_, test_name());
  Inbox dead;
  raw.collect(profile_.consume_address("oms.dead"), dead);
  std::vector<bus::AmqpMessage> sent;
  for (int i = 0; i < 8; ++i) sent.push_back(encoded(request(V::create, ticket(i == 3 ? "uncommittable" : "fine " + std::to_string(i))), raw.queue));
  std::vector<std::future<bus::Outcome>> accepted;
  for (const auto& m : sent) accepted.push_back(raw.bus.send(profile_.publish_address("req.TroubleTickets.create"), m));
  for (auto& a : accepted) ASSERT_EQ(a.get(), bus::Outcome::accepted);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    const std::string id = sent[i].message_id;
    auto replies = raw.inbox.wait(1, [&](const bus::AmqpMessage& r) { return r.correlation_id == id; });
    ASSERT_EQ(replies.size(), 1u) << "no reply to message " << i;
    if (i == 3) {
      EXPECT_NE(replies[0].body.find("<Result>FAILED</Result>"), std::string::npos) << replies[0].body;
      EXPECT_NE(replies[0].body.find("<code>5.3</code>"), std::string::npos) << replies[0].body;
      EXPECT_NE(replies[0].body.find("3 attempts failed: its changes failed to commit"), std::string::npos) << replies[0].body;
      EXPECT_NE(replies[0].body.find("FOREIGN KEY constraint failed"), std::string::npos) << replies[0].body;
      EXPECT_EQ(executions(id), 0);
    } else {
      EXPECT_NE(replies[0].body.find("<Result>OK</Result>"), std::string::npos) << i << ": " << replies[0].body;
      EXPECT_EQ(executions(id), 1) << i;
    }
  }
  auto dead_letters = dead.wait(1, [&](const bus::AmqpMessage& d) { return d.message_id == sent[3].message_id; });
  ASSERT_EQ(dead_letters.size(), 1u);
  EXPECT_NE(dead_letters[0].properties["x-cimbus-reason"].find("FOREIGN KEY constraint failed"), std::string::npos)
      << dead_letters[0].properties["x-cimbus-reason"];
  // A replay gets the same refusal, without running again.
  ASSERT_EQ(raw.send(profile_.publish_address("req.TroubleTickets.create"), sent[3]), bus::Outcome::accepted);
  auto again = raw.inbox.wait(2, [&](const bus::AmqpMessage& r) { return r.correlation_id == sent[3].message_id; });
  ASSERT_EQ(again.size(), 2u);
  EXPECT_NE(again[1].body.find("<Result>FAILED</Result>"), std::string::npos) << again[1].body;
  EXPECT_NE(again[1].body.find("this message was given up before"), std::string::npos) << again[1].body;
  EXPECT_EQ(dead.wait(2, [&](const bus::AmqpMessage& d) { return d.message_id == sent[3].message_id; }, 3s).size(), 1u)
      << "a replay of a message given up is not dead-lettered again";
}

// A message whose attempts the inbox cannot record at all: counted in memory, and after
// max_attempts rejected, so that the broker moves it to the dead-letter queue; nothing loops.
TEST_F(AdapterRuntime, AMessageWhoseAttemptsCannotBeRecordedIsRejectedToTheDeadLetterQueue) {
  RawClient raw(broker_, test_name());
  Inbox dead;
  raw.collect(profile_.consume_address("oms.dead"), dead);
  Envelope e = request(V::create, ticket("fine"));
  e.mutable_message()->mutable_header()->set_message_id("unrecordable-" + new_uuid());
  bus::AmqpMessage m = encoded(e, raw.queue);
  ASSERT_EQ(raw.send(profile_.publish_address("req.TroubleTickets.create"), m), bus::Outcome::accepted);
  auto dead_letters = dead.wait(1, [&](const bus::AmqpMessage& d) { return d.message_id == m.message_id; });
  ASSERT_EQ(dead_letters.size(), 1u) << "the broker's dead-letter queue has it";
  EXPECT_EQ(dead_letters[0].body, m.body);
  EXPECT_EQ(executions(m.message_id), 0);
  // The responder is alive and serves the next request.
  bus::AmqpMessage next = encoded(request(V::create, ticket("the next one")), raw.queue);
  ASSERT_EQ(raw.send(profile_.publish_address("req.TroubleTickets.create"), next), bus::Outcome::accepted);
  EXPECT_EQ(raw.inbox.wait(1, [&](const bus::AmqpMessage& r) { return r.correlation_id == next.message_id; }).size(), 1u);
  EXPECT_EQ(executions(next.message_id), 1);
}

TEST_F(AdapterRuntime, ABusinessRefusalIsAnsweredWithItsCodeAndLeavesNoEffect) {
  Adapter cis(options("cis"));
  cis.start();
  ASSERT_TRUE(cis.wait_ready(30s));
  Envelope create = request(V::create, ticket("refuse this one"));
  create.mutable_message()->mutable_header()->set_message_id(new_uuid());
  Replies r = cis.request(create, 30s).get();
  EXPECT_EQ(r.result(), msg::ReplyType_Result::FAILED);
  EXPECT_EQ(codes(r.last()), std::vector<std::string>{"2.22"});
  EXPECT_EQ(executions(create.message().header().message_id()), 0);
  cis.stop();
}

// An OperationSet over the broker, named as tv06 names it (<Noun>OperationSet): the responder has
// no execute handler of its own, the runtime runs each operation through its create handler.
TEST_F(AdapterRuntime, AnOperationSetRunsAllOrNothingOrPerOperation) {
  Adapter cis(options("cis"));
  cis.start();
  ASSERT_TRUE(cis.wait_ready(30s));
  XmlCodec codec;
  auto operation_set = [&](bool all_or_nothing, const std::vector<TroubleTickets>& tickets) {
    Envelope e;
    e.mutable_message()->mutable_header()->set_verb(V::execute);
    e.mutable_message()->mutable_header()->set_noun("TroubleTicketsOperationSet");
    e.mutable_message()->mutable_header()->set_message_id(new_uuid());
    auto* set = e.mutable_message()->mutable_payload()->mutable_operation_set();
    set->set_enforce_msg_sequence(true);
    set->set_enforce_transactional_integrity(all_or_nothing);
    for (std::size_t i = 0; i < tickets.size(); ++i) {
      google::protobuf::Any any;
      any.PackFrom(tickets[i]);
      auto* op = set->add_operation();
      op->set_operation_id(static_cast<std::int64_t>(i + 1));
      op->set_verb("create");
      op->set_any(codec.encode_object(any));
    }
    return e;
  };
  const TroubleTickets kept = ticket("fallen tree"), refused = ticket("refuse: unknown customer");

  Envelope whole = operation_set(true, {kept, refused});
  Replies r = cis.request(whole, 30s).get();
  EXPECT_EQ(r.result(), msg::ReplyType_Result::FAILED);
  EXPECT_EQ(codes(r.last()), (std::vector<std::string>{"5.9", "2.22"}));
  EXPECT_EQ(r.last().message().reply().error(0).operation_id(), 2);
  EXPECT_EQ(executions(whole.message().header().message_id() + "#1"), 0) << "operation 1 must be rolled back";

  Envelope each = operation_set(false, {kept, refused});
  r = cis.request(each, 30s).get();
  EXPECT_EQ(r.result(), msg::ReplyType_Result::PARTIAL);
  EXPECT_EQ(codes(r.last()), std::vector<std::string>{"2.22"});
  ASSERT_EQ(r.last().message().reply().id_size(), 1);
  EXPECT_EQ(r.last().message().reply().id(0).value(), kept.trouble_ticket(0).m_rid());
  EXPECT_EQ(executions(each.message().header().message_id() + "#1"), 1);

  // No OperationSet at all: the whole message is refused.
  Envelope none = operation_set(true, {});
  none.mutable_message()->clear_payload();
  r = cis.request(none, 30s).get();
  EXPECT_EQ(r.result(), msg::ReplyType_Result::FAILED);
  EXPECT_EQ(codes(r.last()), std::vector<std::string>{"1.7"});
  cis.stop();
}

TEST_F(AdapterRuntime, ARequestNobodyAnswersTimesOutWith4_1) {
  Adapter cis(options("cis"));
  std::promise<std::string> handled;
  cis.on_reply("WorkRequests", [&](Context& c) { handled.set_value(codes(c.message()).at(0)); });
  cis.start();
  ASSERT_TRUE(cis.wait_ready(30s));
  Envelope create;  // routed to wms.requests, where no WMS adapter runs in this test
  create.mutable_message()->mutable_header()->set_verb(V::create);
  create.mutable_message()->mutable_header()->set_noun("WorkRequests");
  auto replies = cis.request(create, 1s);
  ASSERT_EQ(replies.wait_for(30s), std::future_status::ready);
  Replies r = replies.get();
  EXPECT_EQ(r.result(), msg::ReplyType_Result::FAILED);
  EXPECT_EQ(codes(r.last()), std::vector<std::string>{"4.1"});
  auto code = handled.get_future();
  ASSERT_EQ(code.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(code.get(), "4.1");
  EXPECT_EQ(cis.stats().timed_out, 1u);
  cis.stop();
  // Clean up the request no WMS will take, so that it does not wait for a later test.
  std::promise<void> drained;
  bus::Bus drain(test::connection_to(broker_));
  drain.receive(profile_.consume_address("wms.requests"), [&](const bus::AmqpMessage&) {
    drained.set_value();  // the one request sent there
    return bus::Outcome::accepted;
  });
  drain.start();
  ASSERT_TRUE(drain.wait_ready(30s));
  EXPECT_EQ(drained.get_future().wait_for(30s), std::future_status::ready);
  drain.stop();
}

TEST_F(AdapterRuntime, BadInputGetsAPreciseCodeAndTheAdapterStaysUp) {
  RawClient raw(broker_, test_name());
  ASSERT_TRUE(raw.bus.wait_ready(30s));
  const std::string queue = profile_.consume_address("oms.requests");
  auto answer_to = [&](bus::AmqpMessage m) {
    if (m.message_id.empty()) m.message_id = new_uuid();
    m.reply_to = raw.queue;
    EXPECT_EQ(raw.send(queue, m), bus::Outcome::accepted);
    auto r = raw.inbox.wait(1, [&](const bus::AmqpMessage& x) { return x.correlation_id == m.message_id; });
    return r.empty() ? std::string() : r[0].body;
  };
  // Malformed XML: nothing to correlate by Header, so a FaultMessage.
  bus::AmqpMessage broken;
  broken.body = "<RequestMessage xmlns='http://iec.ch/TC57/2011/schema/message'><Header>";
  std::string fault = answer_to(broken);
  EXPECT_NE(fault.find("FaultMessage"), std::string::npos) << fault;
  EXPECT_NE(fault.find("<code>1.8</code>"), std::string::npos) << fault;

  // A verb the OMS does not serve for this noun (sent straight to its queue): 2.9.
  Envelope close = request(V::close, ticket("close it"));
  std::string reply = answer_to(encoded(close, raw.queue));
  EXPECT_NE(reply.find("<code>2.9</code>"), std::string::npos) << reply;

  // A noun it does not serve at all: 2.5.
  Envelope other;
  other.mutable_message()->mutable_header()->set_verb(V::create);
  other.mutable_message()->mutable_header()->set_noun("WorkRequests");
  reply = answer_to(encoded(other, raw.queue));
  EXPECT_NE(reply.find("<code>2.5</code>"), std::string::npos) << reply;

  // An invalid enumeration in the payload: 1.8 with the element path.
  bus::AmqpMessage invalid = encoded(request(V::create, ticket("bad enum")), raw.queue);
  const auto at = invalid.body.find(">call<");
  ASSERT_NE(at, std::string::npos);
  invalid.body.replace(at, 6, ">carrier pigeon<");
  reply = answer_to(invalid);
  EXPECT_NE(reply.find("<code>1.8</code>"), std::string::npos) << reply;
  EXPECT_NE(reply.find("reportingKind"), std::string::npos) << reply;
  EXPECT_EQ(executions(invalid.message_id), 0);

  // XXE: refused before anything is read from the file system.
  bus::AmqpMessage xxe;
  xxe.body = "<?xml version='1.0'?><!DOCTYPE r [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
             "<RequestMessage xmlns='http://iec.ch/TC57/2011/schema/message'><Header><Verb>get</Verb><Noun>&x;</Noun></Header></RequestMessage>";
  fault = answer_to(xxe);
  EXPECT_NE(fault.find("FaultMessage"), std::string::npos) << fault;
  EXPECT_EQ(fault.find("root:"), std::string::npos) << "file content leaked: " << fault;

  // Deeply nested: bounded, refused.
  bus::AmqpMessage deep;
  for (int i = 0; i < 5000; ++i) deep.body += "<a>";
  fault = answer_to(deep);
  EXPECT_NE(fault.find("FaultMessage"), std::string::npos) << fault.substr(0, 300);

  // And it still serves a good request.
  bus::AmqpMessage good = encoded(request(V::create, ticket("still up")), raw.queue);
  reply = answer_to(good);
  EXPECT_NE(reply.find("<Result>OK</Result>"), std::string::npos) << reply;
  EXPECT_TRUE(oms_->running());
}

TEST_F(AdapterRuntime, AnEventAskingForAnAcknowledgementGetsOne) {
  Adapter cis(options("cis"));
  cis.on_event("TroubleTickets", V::created, [](Context&) {});
  cis.start();
  ASSERT_TRUE(cis.wait_ready(30s));
  RawClient raw(broker_, test_name());
  ASSERT_TRUE(raw.bus.wait_ready(30s));
  Envelope event = request(V::created, ticket("ack me"));
  event.set_archetype(Envelope::EVENT_MESSAGE);
  auto* h = event.mutable_message()->mutable_header();
  h->set_message_id(new_uuid());
  h->set_ack_required(true);
  h->set_reply_address(raw.queue);
  XmlCodec codec;
  bus::AmqpMessage m = bus::to_amqp_message(event, codec.encode(event));
  ASSERT_EQ(raw.send(profile_.consume_address("cis.events"), m), bus::Outcome::accepted);
  auto acks = raw.inbox.wait(1, [&](const bus::AmqpMessage& r) { return r.correlation_id == m.message_id; });
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_NE(acks[0].body.find("<Result>OK</Result>"), std::string::npos) << acks[0].body;
  EXPECT_NE(acks[0].body.find("<code>0.3</code>"), std::string::npos) << acks[0].body;
  cis.stop();
}

TEST_F(AdapterRuntime, APythonProtonRequesterGetsACorrelatedReplyWithProperties) {
  const std::string command = std::string("/usr/bin/python3 ") + CIMBUS_ADAPTER_TEST_DIR + "/python_requester.py " + broker_.url + " " +
                              broker_.user + " " + broker_.password + " " + CIMBUS_EXAMPLES_DIR + "/TroubleTickets-create.xml oms";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

}  // namespace
}  // namespace cimbus::adapter
