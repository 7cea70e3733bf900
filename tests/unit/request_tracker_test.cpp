// The request tracker (core/runtime/src/request_tracker.hpp) on a real store file: a reply or the
// deadline ends a request exactly once, a future gets its replies only after the commit, and the
// correlation entries outlive the tracker (a process restart).

#include <filesystem>
#include <future>
#include <string>

#include <gtest/gtest.h>

#include "test_files.hpp"

#include "cimbus/codec/timestamp.hpp"
#include "cimbus/store/store.hpp"
#include "request_tracker.hpp"

namespace cimbus::adapter::detail {
namespace {

std::string fresh_file(const std::string& name) { return test::fresh_store_file("request-tracker", name); }

Envelope reply(const std::string& message_id, const std::string& correlation) {
  Envelope e;
  auto* h = e.mutable_message()->mutable_header();
  h->set_verb(msg::HeaderType_Verb::reply);
  h->set_noun("TroubleTickets");
  h->set_message_id(message_id);
  h->set_correlation_id(correlation);
  e.mutable_message()->mutable_reply()->set_result(msg::ReplyType_Result::OK);
  return e;
}

Envelope timeout(const std::string& noun, const std::string& message_id) {
  Envelope e = reply("timeout-of-" + message_id, message_id);
  e.mutable_message()->mutable_header()->set_noun(noun);
  e.mutable_message()->mutable_reply()->set_result(msg::ReplyType_Result::FAILED);
  return e;
}

bool ready(std::future<Replies>& f) { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }

class RequestTrackerTest : public ::testing::Test {
 protected:
  RequestTrackerTest() : path_(fresh_file(::testing::UnitTest::GetInstance()->current_test_info()->name())), store_(path_) {}

  // A request sent and committed, with its future.
  std::future<Replies> send(RequestTracker& tracker, const std::string& id, std::int64_t deadline_ms) {
    store::Transaction tx = store_.begin();
    tracker.sent(tx, id, "TroubleTickets", "create", deadline_ms);
    tx.commit();
    tracker.after_commit();
    std::promise<Replies> promise;
    std::future<Replies> future = promise.get_future();
    tracker.await(id, std::move(promise));
    return future;
  }

  bool take_reply(RequestTracker& tracker, const std::string& reply_id, const std::string& correlation, bool final) {
    store::Transaction tx = store_.begin();
    const bool awaited = tracker.replied(tx, correlation, reply(reply_id, correlation), final);
    tx.commit();
    tracker.after_commit();
    return awaited;
  }

  std::string path_;
  store::Store store_;
};

TEST_F(RequestTrackerTest, AFinalReplyEndsTheRequestOnceAndTheFutureGetsItAfterTheCommit) {
  RequestTracker tracker(store_);
  auto future = send(tracker, "req-1", epoch_ms() + 60000);
  {
    store::Transaction tx = store_.begin();
    EXPECT_TRUE(tracker.replied(tx, "req-1", reply("rep-1", "req-1"), true));
    EXPECT_FALSE(ready(future)) << "given to the future before its transaction committed";
    tx.commit();
  }
  tracker.after_commit();
  ASSERT_TRUE(ready(future));
  const Replies replies = future.get();
  ASSERT_EQ(replies.pages.size(), 1u);
  EXPECT_EQ(replies.pages[0].message().header().message_id(), "rep-1");
  EXPECT_FALSE(take_reply(tracker, "rep-2", "req-1", true)) << "a second final reply is late";
  EXPECT_EQ(store_.correlations().size(), 0u);
}

TEST_F(RequestTrackerTest, AnAcknowledgementOrAPartialPageKeepsTheRequestOpen) {
  RequestTracker tracker(store_);
  auto future = send(tracker, "req-1", epoch_ms() + 60000);
  EXPECT_TRUE(take_reply(tracker, "ack", "req-1", false));
  EXPECT_FALSE(ready(future));
  EXPECT_EQ(store_.correlations().size(), 1u);
  EXPECT_TRUE(take_reply(tracker, "last", "req-1", true));
  ASSERT_TRUE(ready(future));
  EXPECT_EQ(future.get().pages.size(), 2u) << "the acknowledgement and the final reply";
}

TEST_F(RequestTrackerTest, AReplyWhoseTransactionRolledBackIsNotGivenAndTheRequestStaysOpen) {
  RequestTracker tracker(store_);
  auto future = send(tracker, "req-1", epoch_ms() + 60000);
  {
    store::Transaction tx = store_.begin();
    EXPECT_TRUE(tracker.replied(tx, "req-1", reply("rep-1", "req-1"), true));
  }  // rolled back
  tracker.forget_reply("rep-1");
  tracker.after_commit();
  EXPECT_FALSE(ready(future));
  EXPECT_EQ(store_.correlations().size(), 1u);
  EXPECT_TRUE(take_reply(tracker, "rep-1", "req-1", true)) << "the redelivered reply is taken";
  EXPECT_TRUE(ready(future));
}

TEST_F(RequestTrackerTest, APassedDeadlineEndsTheRequestWithTheTimeoutReplyExactlyOnce) {
  RequestTracker tracker(store_);
  const std::int64_t now = epoch_ms();
  auto late = send(tracker, "req-late", now - 1);
  auto waiting = send(tracker, "req-waiting", now + 3600000);
  EXPECT_EQ(tracker.next_deadline(), now - 1);
  ASSERT_TRUE(tracker.due(now));
  std::vector<RequestTracker::Expired> expired;
  {
    store::Transaction tx = store_.begin();
    expired = tracker.expire(tx, now, timeout);
    tx.commit();
  }
  tracker.after_commit();
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].noun, "TroubleTickets");
  EXPECT_EQ(expired[0].reply.message().header().correlation_id(), "req-late");
  ASSERT_TRUE(ready(late));
  EXPECT_EQ(late.get().pages.at(0).message().reply().result(), msg::ReplyType_Result::FAILED);
  EXPECT_FALSE(ready(waiting));
  EXPECT_FALSE(tracker.due(now)) << "the next deadline is the waiting request's";
  EXPECT_EQ(tracker.next_deadline(), now + 3600000);
  EXPECT_FALSE(take_reply(tracker, "rep-late", "req-late", true)) << "a reply after the deadline is late";
}

TEST_F(RequestTrackerTest, TheRequestsOutliveTheTrackerAndStoppingFailsTheFutures) {
  std::future<Replies> future;
  const std::int64_t deadline = epoch_ms() + 60000;
  {
    RequestTracker before(store_);
    future = send(before, "req-1", deadline);
    before.fail_all("the adapter stops");
  }
  ASSERT_TRUE(ready(future));
  EXPECT_THROW(future.get(), std::runtime_error);
  RequestTracker after(store_);  // the process restarted
  EXPECT_EQ(after.next_deadline(), deadline);
  EXPECT_TRUE(take_reply(after, "rep-1", "req-1", true)) << "the reply still finds its request";
}

// The time from a request to its final reply goes to the metrics once; an acknowledgement, a
// request sent in a transaction that rolled back, and a time-out add none.
TEST_F(RequestTrackerTest, TheTimeToTheFinalReplyIsMeasuredOnce) {
  Metrics metrics("oms", "oms-1");
  RequestTracker tracker(store_, &metrics);
  send(tracker, "req-1", epoch_ms() + 60000);
  EXPECT_TRUE(take_reply(tracker, "ack", "req-1", false));
  EXPECT_EQ(metrics.text({}).find("cimbus_request_duration_seconds_count"), std::string::npos) << "an acknowledgement is no final reply";
  EXPECT_TRUE(take_reply(tracker, "last", "req-1", true));
  const std::string text = metrics.text({});
  EXPECT_NE(text.find("cimbus_request_duration_seconds_count{noun=\"TroubleTickets\",verb=\"create\"} 1\n"), std::string::npos) << text;
  {
    store::Transaction tx = store_.begin();
    tracker.sent(tx, "req-rolled-back", "TroubleTickets", "create", epoch_ms() + 60000);
  }
  tracker.after_rollback();
  send(tracker, "req-late", epoch_ms() - 1);
  {
    store::Transaction tx = store_.begin();
    EXPECT_EQ(tracker.expire(tx, epoch_ms(), timeout).size(), 1u);
    tx.commit();
  }
  tracker.after_commit();
  EXPECT_NE(metrics.text({}).find("cimbus_request_duration_seconds_count{noun=\"TroubleTickets\",verb=\"create\"} 1\n"), std::string::npos)
      << "a time-out is counted by the pipeline (cimbus_request_timeouts_total), not as a duration";
}

}  // namespace
}  // namespace cimbus::adapter::detail
