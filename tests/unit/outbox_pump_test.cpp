// The outbox pump (core/runtime/src/outbox_pump.hpp) against a real store file and an in-process
// sender that records what it is handed; the test plays the broker by giving each send its outcome.

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_files.hpp"

#include "cimbus/bus/sender.hpp"
#include "cimbus/store/savepoint.hpp"
#include "cimbus/store/store.hpp"
#include "outbox_pump.hpp"

namespace cimbus::adapter::detail {
namespace {

// Records every send in order; the test settles them.
class RecordingSender : public bus::Sender {
 public:
  void send(std::vector<bus::Send> sends) override {
    for (auto& s : sends) handed.push_back(std::move(s));
  }
  std::vector<bus::Send> handed;
};

const std::string kDeadLetters = "/exchange/cim.dlx/dead.test.adapter";

std::string fresh_file(const std::string& name) { return test::fresh_store_file("outbox-pump", name); }

bus::AmqpMessage message(const std::string& id) {
  bus::AmqpMessage m;
  m.message_id = id;
  m.body = "<x/>";
  return m;
}

class OutboxPumpTest : public ::testing::Test {
 protected:
  OutboxPumpTest() : store_(fresh_file(::testing::UnitTest::GetInstance()->current_test_info()->name())) {}

  std::unique_ptr<OutboxPump> make_pump(std::chrono::milliseconds resend_pause = std::chrono::milliseconds(0)) {
    return std::make_unique<OutboxPump>(store_, sender_, log_, [this](OutboxPump::Outcome o) { outcomes_.push_back(o); }, kDeadLetters, resend_pause);
  }

  // Rows `first` .. `first + n - 1` (message ids "m<i>"), committed in one transaction.
  void add_rows(OutboxPump& pump, int first, int n) {
    store::Transaction tx = store_.begin();
    for (int i = first; i < first + n; ++i) pump.add(tx, "/queue/q", message("m" + std::to_string(i)));
    tx.commit();
  }

  // The message ids handed to the sender since the last call, in order.
  std::vector<std::string> handed_ids() {
    std::vector<std::string> ids;
    for (const auto& s : sender_.handed) ids.push_back(s.message.message_id);
    return ids;
  }

  // The broker settles what it was handed: outcome `of(message id)` each; the pump takes them.
  template <class Of>
  void settle(OutboxPump& pump, Of of) {
    for (auto& s : sender_.handed) s.done(of(s.message.message_id));
    sender_.handed.clear();
    pump.take_outcomes(outcomes_);
    outcomes_.clear();
    if (pump.has_accepted_rows()) pump.remove_accepted();
  }

  static std::vector<std::string> ids(int first, int n) {
    std::vector<std::string> out;
    for (int i = first; i < first + n; ++i) out.push_back("m" + std::to_string(i));
    return out;
  }

  store::Store store_;
  RecordingSender sender_;
  RuntimeLog log_{"pump-test"};
  std::vector<OutboxPump::Outcome> outcomes_;
};

TEST_F(OutboxPumpTest, CommittedRowsAreSentInOrderAndRemovedOnlyOnceAccepted) {
  auto pump = make_pump();
  pump->send();  // a new pump first reads what the store holds: nothing
  EXPECT_TRUE(sender_.handed.empty());
  add_rows(*pump, 0, 3);
  pump->send();
  EXPECT_EQ(handed_ids(), ids(0, 3));
  EXPECT_EQ(store_.outbox().size(), 3u) << "sent is not accepted: the rows stay until the broker says so";
  EXPECT_FALSE(pump->settled());
  settle(*pump, [](const std::string&) { return bus::Outcome::accepted; });
  EXPECT_TRUE(pump->settled());
  EXPECT_EQ(store_.outbox().size(), 0u);
  EXPECT_EQ(log_.stats().sent, 3u);
}

TEST_F(OutboxPumpTest, ARowOfARolledBackSavepointIsNeverSent) {
  auto pump = make_pump();
  pump->send();
  {
    store::Transaction tx = store_.begin();
    pump->add(tx, "/queue/q", message("kept-1"));
    const std::size_t mark = pump->mark();
    {
      store::Savepoint failed(tx);
      pump->add(tx, "/queue/q", message("undone"));
    }  // rolled back
    pump->forget_since(mark);
    pump->add(tx, "/queue/q", message("kept-2"));
    tx.commit();
  }
  pump->send();
  EXPECT_EQ(handed_ids(), (std::vector<std::string>{"kept-1", "kept-2"}));
  EXPECT_EQ(store_.outbox().size(), 2u);
}

TEST_F(OutboxPumpTest, APumpOfARestartedProcessSendsWhatTheStoreStillHolds) {
  {
    auto before = make_pump();
    before->send();
    add_rows(*before, 0, 3);
    before->send();
    settle(*before, [](const std::string& id) { return id == "m0" ? bus::Outcome::accepted : bus::Outcome::failed; });
  }  // the process ends with m1 and m2 unsent as far as it knows
  sender_.handed.clear();
  auto after = make_pump();
  after->send();
  EXPECT_EQ(handed_ids(), ids(1, 2));
}

TEST_F(OutboxPumpTest, AReleasedOrFailedRowIsSentAgainFromTheOldestAfterThePause) {
  auto paused = make_pump(std::chrono::hours(1));
  paused->send();
  add_rows(*paused, 0, 3);
  paused->send();
  settle(*paused, [](const std::string& id) { return id == "m1" ? bus::Outcome::released : bus::Outcome::accepted; });
  paused->send();
  EXPECT_TRUE(sender_.handed.empty()) << "sent again before the pause passed";

  auto pump = make_pump();  // no pause: the resend comes at the next send()
  pump->send();
  EXPECT_EQ(handed_ids(), ids(1, 1)) << "the store still holds m1 only";
  settle(*pump, [](const std::string&) { return bus::Outcome::failed; });
  add_rows(*pump, 3, 1);
  pump->send();
  EXPECT_EQ(handed_ids(), (std::vector<std::string>{"m1", "m3"})) << "the failed row first, then the new one";
  settle(*pump, [](const std::string&) { return bus::Outcome::accepted; });
  EXPECT_EQ(store_.outbox().size(), 0u);
}

TEST_F(OutboxPumpTest, NoMoreThanTheLimitAwaitTheBrokerAndTheRestFollowInOrder) {
  auto pump = make_pump();
  pump->send();
  const int total = static_cast<int>(OutboxPump::kMaxUnsettledSends) + 44;
  add_rows(*pump, 0, total);
  pump->send();
  ASSERT_EQ(sender_.handed.size(), OutboxPump::kMaxUnsettledSends);
  EXPECT_EQ(handed_ids(), ids(0, static_cast<int>(OutboxPump::kMaxUnsettledSends)));
  // The broker accepts the first 100; the pump reads the rest back from the store.
  std::vector<bus::Send> first(std::make_move_iterator(sender_.handed.begin()), std::make_move_iterator(sender_.handed.begin() + 100));
  sender_.handed.erase(sender_.handed.begin(), sender_.handed.begin() + 100);
  for (auto& s : first) s.done(bus::Outcome::accepted);
  pump->take_outcomes(outcomes_);
  outcomes_.clear();
  pump->remove_accepted();
  const std::size_t before = sender_.handed.size();
  pump->send();
  std::vector<std::string> next;
  for (std::size_t i = before; i < sender_.handed.size(); ++i) next.push_back(sender_.handed[i].message.message_id);
  EXPECT_EQ(next, ids(static_cast<int>(OutboxPump::kMaxUnsettledSends), 44));
  settle(*pump, [](const std::string&) { return bus::Outcome::accepted; });
  EXPECT_EQ(store_.outbox().size(), 0u);
  EXPECT_EQ(log_.stats().sent, static_cast<std::uint64_t>(total));
}

TEST_F(OutboxPumpTest, ARejectedOrRefusedRowMovesToTheDeadLetterQueueWithItsReason) {
  auto pump = make_pump();
  pump->send();
  add_rows(*pump, 0, 3);
  pump->send();
  settle(*pump, [](const std::string& id) {
    return id == "m0" ? bus::Outcome::rejected : id == "m1" ? bus::Outcome::refused : bus::Outcome::accepted;
  });
  // Not dropped: two dead letters wait in the outbox, the refused target named with the reason.
  EXPECT_EQ(store_.outbox().size(), 2u);
  pump->send();
  ASSERT_EQ(handed_ids(), (std::vector<std::string>{"m0", "m1"}));
  for (const auto& s : sender_.handed) {
    EXPECT_EQ(s.target, kDeadLetters);
    EXPECT_EQ(s.message.properties.at("x-cimbus-target"), "/queue/q");
  }
  EXPECT_EQ(sender_.handed[0].message.properties.at("x-cimbus-reason"), "the broker rejected the message sent to /queue/q");
  EXPECT_EQ(sender_.handed[1].message.properties.at("x-cimbus-reason"), "refused by /queue/q");  // RecordingSender's refusal_of
  EXPECT_EQ(log_.stats().refused, 2u);
  EXPECT_EQ(log_.stats().dead, 2u);
  settle(*pump, [](const std::string&) { return bus::Outcome::accepted; });
  EXPECT_EQ(store_.outbox().size(), 0u);
}

// A reply row whose reply the inbox lost (the store changed behind the adapter) once stopped the
// adapter, which found the store failed and tried again every two seconds, for ever.
TEST_F(OutboxPumpTest, AReplyRowWhoseReplyTheInboxLostGoesToTheDeadLetterQueueWithItsReason) {
  {
    store::Transaction tx = store_.begin();
    store_.outbox().add_reply(tx, "/queue/q", "gone");  // no inbox row holds its reply
    tx.commit();
  }
  auto pump = make_pump();
  add_rows(*pump, 0, 1);
  ASSERT_NO_THROW(pump->send());
  ASSERT_EQ(sender_.handed.size(), 2u);
  EXPECT_EQ(sender_.handed[0].target, kDeadLetters);
  EXPECT_EQ(sender_.handed[0].message.properties.at("x-cimbus-target"), "/queue/q");
  EXPECT_NE(sender_.handed[0].message.properties.at("x-cimbus-reason").find("the reply to gone is missing from the inbox"), std::string::npos);
  EXPECT_EQ(sender_.handed[1].message.message_id, "m0") << "the rows after it go as they were";
  EXPECT_EQ(log_.stats().dead, 1u);
  settle(*pump, [](const std::string&) { return bus::Outcome::accepted; });
  EXPECT_EQ(store_.outbox().size(), 0u);
}

TEST_F(OutboxPumpTest, ADeadLetterTheBrokerRefusesStaysInTheOutboxAndIsTriedAgain) {
  auto pump = make_pump();
  pump->send();
  {
    store::Transaction tx = store_.begin();
    pump->add(tx, kDeadLetters, message("d0"));
    tx.commit();
  }
  pump->send();
  settle(*pump, [](const std::string&) { return bus::Outcome::refused; });
  EXPECT_EQ(store_.outbox().size(), 1u);
  pump->send();
  EXPECT_EQ(handed_ids(), std::vector<std::string>{"d0"});
}

}  // namespace
}  // namespace cimbus::adapter::detail
