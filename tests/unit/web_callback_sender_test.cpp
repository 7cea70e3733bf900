// The outbox's sender for web-service callbacks (core/runtime/src/web_callback_sender.hpp): URL
// rows through the callback with their retries and refusals, every other row to the bus in order.
// The callback is the test's own function; the "bus" records what it is handed.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cimbus/runtime/rejection.hpp"
#include "web_callback_sender.hpp"

namespace cimbus::adapter::detail {
namespace {

using namespace std::chrono_literals;

class RecordingBus : public bus::Sender {
 public:
  void send(std::vector<bus::Send> sends) override { handed.push_back(std::move(sends)); }
  std::vector<std::vector<bus::Send>> handed;  // each send() call
};

// The outcomes reported, by message id, from the sender's threads.
class Outcomes {
 public:
  bus::SendCallback for_message(const std::string& id) {
    return [this, id](bus::Outcome o) {
      std::lock_guard<std::mutex> lock(mutex_);
      seen_[id] = o;
      changed_.notify_all();
    };
  }
  // The outcome of `id`, waiting for it (a generous bound: the machine may be busy).
  std::optional<bus::Outcome> of(const std::string& id) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, 30s, [&] { return seen_.count(id) > 0; });
    auto it = seen_.find(id);
    return it == seen_.end() ? std::nullopt : std::optional<bus::Outcome>(it->second);
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, bus::Outcome> seen_;
};

bus::Send send_to(const std::string& target, const std::string& id, Outcomes& outcomes) {
  bus::AmqpMessage m;
  m.message_id = id;
  m.body = "<reply " + id + "/>";
  return {target, m, outcomes.for_message(id)};
}

// A callback that fails `failures` times per URL in the way `fail` says, then takes the reply.
struct ScriptedCallee {
  std::function<void()> fail;
  int failures = 0;
  std::mutex mutex;
  std::map<std::string, int> calls;
  std::vector<std::string> bodies;

  WebCallback callback() {
    return {[](const std::string& url) { return url.rfind("http://callee/", 0) == 0; },
            [this](const std::string& url, const std::string& body) {
              int n;
              {
                std::lock_guard<std::mutex> lock(mutex);
                n = ++calls[url];
                bodies.push_back(body);
              }
              if (n <= failures) fail();
            }};
  }
  int calls_to(const std::string& url) {
    std::lock_guard<std::mutex> lock(mutex);
    return calls[url];
  }
};

class WebCallbackSenderTest : public ::testing::Test {
 protected:
  std::unique_ptr<WebCallbackSender> make(ScriptedCallee& callee, int attempts = 3, std::chrono::milliseconds retry = 1ms) {
    return std::make_unique<WebCallbackSender>(bus_, callee.callback(), WebCallbackSender::Options{attempts, retry, 2}, log_);
  }
  // One row for `url`, alone in its send().
  void send_one(WebCallbackSender& sender, const std::string& url, const std::string& id) {
    std::vector<bus::Send> sends;
    sends.push_back(send_to(url, id, outcomes_));
    sender.send(std::move(sends));
  }
  RecordingBus bus_;
  RuntimeLog log_{"web-callback-test"};
  Outcomes outcomes_;
};

TEST_F(WebCallbackSenderTest, UrlRowsAreCalledAndTheRestGoToTheBusInOrder) {
  ScriptedCallee callee;
  auto sender = make(callee);
  std::vector<bus::Send> sends;
  sends.push_back(send_to("/queue/reply.a", "q1", outcomes_));
  sends.push_back(send_to("http://callee/replies/1", "w1", outcomes_));
  sends.push_back(send_to("/queue/reply.b", "q2", outcomes_));
  sender->send(std::move(sends));

  ASSERT_EQ(bus_.handed.size(), 1u);
  ASSERT_EQ(bus_.handed[0].size(), 2u);
  EXPECT_EQ(bus_.handed[0][0].message.message_id, "q1");
  EXPECT_EQ(bus_.handed[0][1].message.message_id, "q2");
  EXPECT_EQ(outcomes_.of("w1"), bus::Outcome::accepted);
  EXPECT_EQ(callee.calls_to("http://callee/replies/1"), 1);
  EXPECT_EQ(callee.bodies.at(0), "<reply w1/>");
}

TEST_F(WebCallbackSenderTest, ATemporaryFailureIsCalledAgainUntilTaken) {
  ScriptedCallee callee;
  callee.failures = 2;
  callee.fail = [] { throw std::runtime_error("HTTP 503"); };
  auto sender = make(callee);
  send_one(*sender, "http://callee/replies/2", "w2");
  EXPECT_EQ(outcomes_.of("w2"), bus::Outcome::accepted);
  EXPECT_EQ(callee.calls_to("http://callee/replies/2"), 3);
}

TEST_F(WebCallbackSenderTest, AFailureThatLastsIsRefusedWithItsReasonAfterTheAttempts) {
  ScriptedCallee callee;
  callee.failures = 1000;
  callee.fail = [] { throw std::runtime_error("HTTP 503"); };
  auto sender = make(callee, 4);
  send_one(*sender, "http://callee/replies/3", "w3");
  EXPECT_EQ(outcomes_.of("w3"), bus::Outcome::refused);
  EXPECT_EQ(callee.calls_to("http://callee/replies/3"), 4);
  const std::string why = sender->refusal_of("http://callee/replies/3");
  EXPECT_NE(why.find("not taken by http://callee/replies/3 in 4 calls: HTTP 503"), std::string::npos) << why;
}

TEST_F(WebCallbackSenderTest, ARefusalIsFinalAtTheFirstCall) {
  ScriptedCallee callee;
  callee.failures = 1000;
  callee.fail = [] { throw Rejection("5.3", "HTTP 404"); };
  auto sender = make(callee);
  send_one(*sender, "http://callee/replies/4", "w4");
  EXPECT_EQ(outcomes_.of("w4"), bus::Outcome::refused);
  EXPECT_EQ(callee.calls_to("http://callee/replies/4"), 1);
  EXPECT_NE(sender->refusal_of("http://callee/replies/4").find("refused the reply: 5.3 HTTP 404"), std::string::npos);
}

TEST_F(WebCallbackSenderTest, CallsWaitingAtTheStopAreFailedSoThatTheyStayInTheOutbox) {
  ScriptedCallee callee;
  callee.failures = 1;
  callee.fail = [] { throw std::runtime_error("no answer"); };
  auto sender = make(callee, 3, std::chrono::hours(1));
  send_one(*sender, "http://callee/replies/5", "w5");
  while (callee.calls_to("http://callee/replies/5") == 0) std::this_thread::sleep_for(1ms);
  sender->stop();
  EXPECT_EQ(outcomes_.of("w5"), bus::Outcome::failed);
  // After the stop nothing is called: a send is failed at once.
  send_one(*sender, "http://callee/replies/6", "w6");
  EXPECT_EQ(outcomes_.of("w6"), bus::Outcome::failed);
  EXPECT_EQ(callee.calls_to("http://callee/replies/6"), 0);
}

}  // namespace
}  // namespace cimbus::adapter::detail
