// The Bus's reconnection and resend against an AMQP 1.0 peer in the test process (Qpid Proton C++
// listening on 127.0.0.1): the peer closes the connection in the middle of a stream, holding some
// messages unsettled, and the Bus must open a new connection, attach its links again and send
// what was not settled, so that every message arrives at least once and every send ends accepted.
// The same runs against RabbitMQ in bus_restart_test.cpp; this one needs no broker and is exact
// about when the connection drops.

#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <proton/connection.hpp>
#include <proton/container.hpp>
#include <proton/delivery.hpp>
#include <proton/error_condition.hpp>
#include <proton/listen_handler.hpp>
#include <proton/listener.hpp>
#include <proton/message.hpp>
#include <proton/message_id.hpp>
#include <proton/messaging_handler.hpp>
#include <proton/receiver.hpp>
#include <proton/transport.hpp>
#include <proton/receiver_options.hpp>
#include <proton/sender.hpp>
#include <proton/sender_options.hpp>
#include <proton/source_options.hpp>
#include <proton/tracker.hpp>
#include <proton/work_queue.hpp>

#include "cimbus/bus/bus.hpp"
#include "waiter.hpp"

namespace cimbus::bus {
namespace {

using namespace std::chrono_literals;

// The peer: takes every message on any link, accepts it, except that on connection
// `drop_on_connection` it leaves the messages from `hold_from` on unsettled and closes the
// connection when it has `drop_at` of them. It can also send `offer` messages to a link the Bus
// attaches to receive from.
class LoopbackPeer : public proton::messaging_handler, public proton::listen_handler {
 public:
  struct Plan {
    int drop_on_connection = 1;
    int hold_from = 0;  // 0: never hold, never drop
    int drop_at = 0;
  };

  explicit LoopbackPeer(Plan plan) : plan_(plan), container_(*this) {
    listener_ = container_.listen("127.0.0.1:0", static_cast<proton::listen_handler&>(*this));
    thread_ = std::thread([this] { container_.run(); });
  }
  ~LoopbackPeer() override {
    container_.stop();
    thread_.join();
  }

  std::string url() {
    EXPECT_TRUE(state.wait_for([&] { return port_ > 0; }, 10s)) << "the peer never listened";
    return "amqp://127.0.0.1:" + std::to_string(port_);
  }

  // Sends `n` messages to the Bus on its next receiving link, on the peer's thread.
  void offer(int n) {
    state.update([&] { to_offer_ += n; });
    proton::connection c;
    {
      std::lock_guard<std::mutex> lock(connection_mutex_);
      c = connection_;
    }
    c.work_queue().add([this] { flush(); });
  }

  test::Waiter state;                 // guards what follows
  std::vector<std::string> received;  // message ids, in arrival order (duplicates kept)
  int connections = 0;
  int attached_senders = 0;  // links on which the peer sends to the Bus

 private:
  void on_open(proton::listener& l) override { state.update([&] { port_ = l.port(); }); }

  void on_connection_open(proton::connection& c) override {
    if (c.uninitialized()) c.open();
    {
      std::lock_guard<std::mutex> lock(connection_mutex_);
      connection_ = c;
    }
    state.update([&] { ++connections; });
    current_connection_ = connections_seen_++ + 1;
  }

  // A connection the Bus aborts (its stop, its reconnect) is expected here; Proton's default
  // handlers would throw it out of container.run() and end the test process.
  void on_transport_error(proton::transport&) override {}
  void on_error(const proton::error_condition&) override {}

  void on_receiver_open(proton::receiver& r) override {
    if (r.uninitialized()) r.open(proton::receiver_options().auto_accept(false).credit_window(100));
  }

  void on_sender_open(proton::sender& s) override {
    if (s.uninitialized()) s.open(proton::sender_options().source(proton::source_options().address(s.source().address())));
    sender_ = s;
    state.update([&] { ++attached_senders; });
    flush();
  }

  void on_sendable(proton::sender&) override { flush(); }

  void flush() {
    if (!sender_.active()) return;
    while (sender_.credit() > 0) {
      int next = 0;
      state.update([&] {
        if (offered_ < to_offer_) next = ++offered_;
      });
      if (next == 0) return;
      proton::message m("offered " + std::to_string(next));
      m.id("offer-" + std::to_string(next));
      sender_.send(m);
    }
  }

  void on_message(proton::delivery& d, proton::message& m) override {
    const std::string id = proton::get<std::string>(m.id());
    state.update([&] { received.push_back(id); });
    const bool dropping = plan_.hold_from > 0 && current_connection_ == plan_.drop_on_connection;
    if (!dropping) {
      d.accept();
      return;
    }
    int count = 0;
    state.update([&] { count = static_cast<int>(received.size()); });
    if (count < plan_.hold_from) {
      d.accept();
      return;
    }
    if (count >= plan_.drop_at) d.connection().close(proton::error_condition("amqp:connection:forced", "the test drops the connection"));
    // otherwise held: unsettled when the connection goes
  }

  Plan plan_;
  proton::container container_;
  proton::listener listener_;
  std::thread thread_;
  std::mutex connection_mutex_;
  proton::connection connection_;  // under connection_mutex_
  // Peer thread only.
  int port_ = 0;  // under state
  int connections_seen_ = 0;
  int current_connection_ = 0;
  proton::sender sender_;
  int to_offer_ = 0;  // under state
  int offered_ = 0;   // under state
};

ConnectionOptions to(const std::string& url) {
  ConnectionOptions o;
  o.urls = {url};
  o.sasl_mechanisms = "ANONYMOUS";  // the peer has no users
  o.reconnect.first_delay = 50ms;
  return o;
}

TEST(BusLoopback, AConnectionClosedMidStreamIsReplacedAndWhatWasUnsettledIsSentAgain) {
  constexpr int kMessages = 300;
  LoopbackPeer peer({/*drop_on_connection=*/1, /*hold_from=*/91, /*drop_at=*/100});
  Bus bus(to(peer.url()));
  bus.start();
  ASSERT_TRUE(bus.wait_connected(10s));
  std::vector<std::future<Outcome>> outcomes;
  for (int i = 0; i < kMessages; ++i) {
    AmqpMessage m;
    m.message_id = "m" + std::to_string(i);
    m.body = "message " + std::to_string(i);
    outcomes.push_back(bus.send("q", std::move(m)));
  }
  for (auto& o : outcomes) {
    ASSERT_EQ(o.wait_for(30s), std::future_status::ready) << "a send never ended";
    EXPECT_EQ(o.get(), Outcome::accepted);
  }
  std::set<std::string> distinct;
  int copies = 0;
  ASSERT_TRUE(peer.state.wait_for([&] {
    distinct = std::set<std::string>(peer.received.begin(), peer.received.end());
    copies = static_cast<int>(peer.received.size());
    return static_cast<int>(distinct.size()) == kMessages;
  }, 10s)) << distinct.size() << " of " << kMessages << " messages arrived";
  EXPECT_GE(copies - kMessages, 10) << "the 10 messages held unsettled were not sent again";
  EXPECT_EQ(bus.connections_opened(), 2);
  peer.state.wait_for([&] { return peer.connections == 2; }, 1s);
  bus.stop();
}

TEST(BusLoopback, AReceiverIsAttachedAgainOnTheNewConnectionAndGetsWhatFollows) {
  LoopbackPeer peer({/*drop_on_connection=*/1, /*hold_from=*/1, /*drop_at=*/1});  // the first message to the peer drops it
  test::Waiter got;
  std::set<std::string> ids;  // under got
  Bus bus(to(peer.url()));
  bus.receive("from-peer", [&](const AmqpMessage& m) {
    got.update([&] { ids.insert(m.message_id); });
    return Outcome::accepted;
  });
  bus.start();
  ASSERT_TRUE(bus.wait_ready(10s));
  peer.offer(5);
  ASSERT_TRUE(got.wait_for([&] { return ids.size() == 5; }, 10s));
  // A send makes the peer close the connection; the Bus reconnects and attaches its receiver.
  AmqpMessage m;
  m.message_id = "drop";
  auto dropped = bus.send("q", std::move(m));
  ASSERT_EQ(dropped.wait_for(30s), std::future_status::ready);
  EXPECT_EQ(dropped.get(), Outcome::accepted) << "sent again on the new connection";
  ASSERT_TRUE(peer.state.wait_for([&] { return peer.attached_senders == 2; }, 10s)) << "the receiver was not attached again";
  peer.offer(5);
  EXPECT_TRUE(got.wait_for([&] { return ids.size() == 10; }, 10s)) << "what the peer sent after the reconnect";
  EXPECT_EQ(bus.connections_opened(), 2);
  bus.stop();
}

}  // namespace
}  // namespace cimbus::bus
